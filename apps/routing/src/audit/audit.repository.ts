import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface AuditEntry {
  actor: string;
  actorTenant: string | null;
  /** e.g. `destination.create`, `route.import`, `dead-letter.redeliver`. */
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
  details: Record<string, unknown>;
}

/** Admin actions, one row each, written in the same transaction as the change they record. */
@Injectable()
export class AuditRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, entry: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO routing.audit_log (actor, actor_tenant, action, target, details) VALUES ($1, $2, $3, $4, $5)`,
      [entry.actor, entry.actorTenant, entry.action, entry.target, JSON.stringify(entry.details ?? {})],
    );
  }

  /** Latest entries; `tenant` limits to actions of that tenant's admins (null: all). */
  async list(tenant: string | null, limit: number): Promise<AuditRecord[]> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        at: Date;
        actor: string;
        actor_tenant: string | null;
        action: string;
        target: string;
        details: Record<string, unknown>;
      }>
    >(
      `SELECT id, at, actor, actor_tenant, action, target, details FROM routing.audit_log
       WHERE $1::text IS NULL OR actor_tenant = $1 ORDER BY id DESC LIMIT $2`,
      [tenant, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at,
      actor: r.actor,
      actorTenant: r.actor_tenant,
      action: r.action,
      target: r.target,
      details: r.details,
    }));
  }
}
