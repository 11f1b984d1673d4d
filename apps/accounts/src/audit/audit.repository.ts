import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface AuditEntry {
  /** Who acted (the signed-in account). */
  actorKey: string;
  /** Whose data it concerns (the organisation when a representative acts for it). */
  ownerKey: string;
  action: string;
  target?: string;
}

/** `audit_log`: who did what on whose behalf; written in the transaction of the action. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(manager: EntityManager, e: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO accounts.audit_log (actor_key, owner_key, action, target) VALUES ($1, $2, $3, $4)`,
      [e.actorKey, e.ownerKey, e.action, e.target ?? null],
    );
  }

  /** The newest entries concerning `ownerKey`, newest first. */
  async list(
    ownerKey: string,
    limit: number,
  ): Promise<Array<{ actorKey: string; action: string; target: string | null; at: Date }>> {
    const rows = await this.dataSource.query<
      Array<{ actor_key: string; action: string; target: string | null; at: Date }>
    >(
      `SELECT actor_key, action, target, at FROM accounts.audit_log WHERE owner_key = $1 ORDER BY id DESC LIMIT $2`,
      [ownerKey, limit],
    );
    return rows.map((r) => ({ actorKey: r.actor_key, action: r.action, target: r.target, at: r.at }));
  }

  /** Erasure: what concerned the erased account goes with it. */
  async deleteOwner(manager: EntityManager, ownerKey: string): Promise<void> {
    await manager.query(`DELETE FROM accounts.audit_log WHERE owner_key = $1`, [ownerKey]);
  }
}
