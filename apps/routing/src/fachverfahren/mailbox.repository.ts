import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { FULL, LIGHT, type Row, selectAttachments, toAttachment, toMessage } from '../messages/message-rows';
import type { AttachmentRecord, MessageKind, MessageRecord } from '../messages/messages.types';

/** The pull mailbox: what a Fachverfahren may list, fetch, accept and reject. */
@Injectable()
export class MailboxRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async pending(destinationIds: string[], limit: number, kind?: MessageKind): Promise<MessageRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${LIGHT} FROM routing.message
       WHERE destination_id = ANY($1::text[]) AND state = 'AVAILABLE' AND ($3::text IS NULL OR kind = $3)
       ORDER BY available_at LIMIT $2`,
      [destinationIds, limit, kind ?? null],
    );
    return rows.map(toMessage);
  }

  /** A message of one of these destinations, or undefined (others' messages do not exist for the caller). */
  async findFor(
    destinationIds: string[],
    id: string,
    withPayload = false,
  ): Promise<MessageRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${withPayload ? FULL : LIGHT} FROM routing.message WHERE id = $1 AND destination_id = ANY($2::text[])`,
      [id, destinationIds],
    );
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  async markFetched(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE routing.message SET fetched_at = now() WHERE id = $1 AND fetched_at IS NULL`,
      [id],
    );
  }

  /** AVAILABLE → DELIVERED (pull accepted); false when it was not available (already accepted or gone). */
  async markAccepted(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'DELIVERED', delivered_at = now(), fetched_at = coalesce(fetched_at, now())
       WHERE id = $1 AND state = 'AVAILABLE' RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  async markRejected(manager: EntityManager, id: string, rejection: unknown): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'REJECTED', rejected_at = now(), rejection = $2,
         fetched_at = coalesce(fetched_at, now())
       WHERE id = $1 AND state = 'AVAILABLE' RETURNING id`,
      [id, JSON.stringify(rejection)],
    );
    return rows.length === 1;
  }

  /** The attachments of a message, described (no contents). */
  attachments(messageId: string): Promise<AttachmentRecord[]> {
    return selectAttachments(this.dataSource, messageId, false);
  }

  async attachment(messageId: string, attachmentId: string): Promise<AttachmentRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT *, content IS NOT NULL AS has_content FROM routing.message_attachment
       WHERE message_id = $1 AND attachment_id = $2`,
      [messageId, attachmentId],
    );
    return rows[0] ? toAttachment(rows[0]) : undefined;
  }
}
