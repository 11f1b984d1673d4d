import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { FimSchemasModule } from '../fim-schemas/fim-schemas.module';
import { TenantsModule } from '../tenants/tenants.module';
import { LeistungenController } from './leistungen.controller';
import { LeistungenRepository } from './leistungen.repository';
import { LeistungenService } from './leistungen.service';

@Module({
  imports: [AuditModule, TenantsModule, FimSchemasModule],
  controllers: [LeistungenController],
  providers: [LeistungenRepository, LeistungenService],
  exports: [LeistungenService, LeistungenRepository],
})
export class LeistungenModule {}
