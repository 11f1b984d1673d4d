import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { FeesController } from './fees.controller';
import { FeeScheduleEntity } from './fees.entity';
import { FeesRepository } from './fees.repository';
import { FeesService } from './fees.service';

/** Fee schedules (Gebühren) per tenant, Leistung and region. */
@Module({
  imports: [TypeOrmModule.forFeature([FeeScheduleEntity]), AuditModule],
  controllers: [FeesController],
  providers: [FeesRepository, FeesService],
  exports: [FeesService],
})
export class FeesModule {}
