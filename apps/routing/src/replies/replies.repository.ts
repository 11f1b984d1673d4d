import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** Replies (Bescheide, messages) a Fachverfahren sent back. */
@Injectable()
export class RepliesRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  /** false when a reply with this id exists (a retried request). */
  async insertReply(
    manager: EntityManager,
    r: { id: string; messageId: string; kind: string; subject: string; body: string; clientId: string },
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO routing.reply (id, message_id, kind, subject, body, client_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [r.id, r.messageId, r.kind, r.subject, r.body, r.clientId],
    );
    return rows.length === 1;
  }

  async replyOwner(id: string): Promise<string | undefined> {
    const rows = await this.dataSource.query<Array<{ message_id: string }>>(
      `SELECT message_id FROM routing.reply WHERE id = $1`,
      [id],
    );
    return rows[0]?.message_id;
  }
}
