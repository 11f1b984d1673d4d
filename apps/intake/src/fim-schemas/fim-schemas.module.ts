import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FimRuntime } from './fim-runtime.service';
import { FimSchemasController } from './fim-schemas.controller';
import { FimSchemasRepository } from './fim-schemas.repository';
import { FimSchemasService } from './fim-schemas.service';

@Module({
  imports: [AuditModule],
  controllers: [FimSchemasController],
  providers: [FimSchemasRepository, FimSchemasService, FimRuntime],
  exports: [FimRuntime, FimSchemasRepository],
})
export class FimSchemasModule {}
