import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** Receipts and status reports of Fachverfahren (routing.status_report, message.receipt_at). */
@Injectable()
export class StatusReportsRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Records the first receipt; false when there was one already. */
  async markReceipt(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET receipt_at = now() WHERE id = $1 AND receipt_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  /** Stores a status report; false when a report with this id exists (a retried request). */
  async insertStatus(
    manager: EntityManager,
    s: { id: string; messageId: string; status: string; text: string | null; clientId: string },
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO routing.status_report (id, message_id, status, text, client_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [s.id, s.messageId, s.status, s.text, s.clientId],
    );
    return rows.length === 1;
  }

  async statusOwner(id: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<Array<{ message_id: string }>>(
      `SELECT message_id FROM routing.status_report WHERE id = $1`,
      [id],
    );
    return rows[0]?.message_id;
  }
}
