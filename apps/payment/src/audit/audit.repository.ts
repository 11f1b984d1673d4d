import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, QueryDeepPartialEntity, Repository } from 'typeorm';
import { AuditLogEntity } from './audit.entity';

export type AuditAction =
  'fee.created' | 'fee.updated' | 'fee.deleted' | 'provider.configured' | 'provider.removed';

export interface AuditEntry {
  tenant: string;
  actorKey: string;
  action: AuditAction;
  target: string;
  /** What changed; never secrets (provider configs only hold references to them). */
  details: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditLogEntity) private readonly entries: Repository<AuditLogEntity>) {}

  /** Writes inside the caller's transaction, so the entry exists if and only if the change does. */
  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditLogEntity, {
      ...entry,
      at: new Date(),
    } as QueryDeepPartialEntity<AuditLogEntity>);
  }

  list(tenant: string, limit: number): Promise<AuditLogEntity[]> {
    return this.entries.find({ where: { tenant }, order: { at: 'DESC', id: 'DESC' }, take: limit });
  }
}
