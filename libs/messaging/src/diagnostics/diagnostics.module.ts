import { Module } from '@nestjs/common';
import { DiagnosticsConsumer } from './diagnostics.consumer';
import { DiagnosticsController } from './diagnostics.controller';
import { DiagnosticsRepository } from './diagnostics.repository';
import { DiagnosticsService } from './diagnostics.service';

/** An operator probe of the event backbone, present in every service. */
@Module({
  controllers: [DiagnosticsController],
  providers: [DiagnosticsRepository, DiagnosticsService, DiagnosticsConsumer],
})
export class DiagnosticsModule {}
