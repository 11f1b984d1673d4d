import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';

/** The audit log of admin actions; every feature records through {@link AuditRepository}. */
@Global()
@Module({ controllers: [AuditController], providers: [AuditRepository], exports: [AuditRepository] })
export class AuditModule {}
