import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CodeListsModule } from '../code-lists/code-lists.module';
import { FimRuntime } from './fim-runtime.service';
import { FimSchemasController } from './fim-schemas.controller';
import { FimSchemasRepository } from './fim-schemas.repository';
import { FimSchemasService } from './fim-schemas.service';

@Module({
  imports: [AuditModule, CodeListsModule],
  controllers: [FimSchemasController],
  providers: [FimSchemasRepository, FimSchemasService, FimRuntime],
  exports: [FimRuntime, FimSchemasRepository],
})
export class FimSchemasModule {}
