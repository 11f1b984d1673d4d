import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from './audit.entity';

export interface AuditRecord {
  actorKey: string;
  tenant: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the entry inside the caller's transaction, so it exists if and only if the action happened. */
  async record(manager: EntityManager, r: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO "intake".audit_log (actor_key, tenant, action, target, details) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [r.actorKey, r.tenant, r.action, r.target, JSON.stringify(r.details ?? {})],
    );
  }

  list(tenant: string, limit: number, before?: string): Promise<AuditEntry[]> {
    const q = this.dataSource
      .getRepository(AuditEntry)
      .createQueryBuilder('a')
      .where('a.tenant = :tenant', { tenant })
      .orderBy('a.id', 'DESC')
      .limit(limit);
    if (before !== undefined) q.andWhere('a.id < :before', { before });
    return q.getMany();
  }
}
