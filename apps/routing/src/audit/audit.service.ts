import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AuditEntry, type AuditRecord, AuditRepository } from './audit.repository';

/** The audit log of routing's admin actions: every feature records through this service, in its own transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    return this.repository.record(manager, entry);
  }

  /** Latest entries; `tenant` limits to actions of that tenant's admins (null: all). */
  list(tenant: string | null, limit: number): Promise<AuditRecord[]> {
    return this.repository.list(tenant, limit);
  }
}
