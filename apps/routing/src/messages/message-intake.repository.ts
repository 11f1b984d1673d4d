import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type NewAttachment, type NewMessage, type Row, LIGHT, toMessage } from './message-rows';
import type { MessageRecord, UnroutableRecord } from './messages.types';

/** Intake of work: ready submissions and citizen replies become messages (or unroutable records). */
@Injectable()
export class MessageIntakeRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  async isKnownSubmission(manager: EntityManager, submissionId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM routing.message WHERE submission_id = $1 AND kind = 'submission'
       UNION ALL SELECT 1 FROM routing.unroutable WHERE submission_id = $1`,
      [submissionId],
    );
    return rows.length > 0;
  }

  /** Records a submission no route matched; false when it was already recorded. */
  async insertUnroutable(manager: EntityManager, u: Omit<UnroutableRecord, 'at'>): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO routing.unroutable (submission_id, tenant, vorgangsnummer, leika_key, ars, reason)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING submission_id`,
      [u.submissionId, u.tenant, u.vorgangsnummer, u.leikaKey, u.ars, u.reason],
    );
    return rows.length === 1;
  }

  /**
   * Inserts a message due for building now, with its attachments (one statement); false when it exists
   * (same submission or reply).
   */
  async insert(manager: EntityManager, m: NewMessage, attachments: NewAttachment[]): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `WITH inserted AS (
         INSERT INTO routing.message (id, kind, submission_id, reply_id, tenant, vorgangsnummer, destination_id, format,
           channel, input, state, due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'BUILDING', now())
         ON CONFLICT DO NOTHING RETURNING id
       ), attachments AS (
         INSERT INTO routing.message_attachment (message_id, attachment_id, position, filename, media_type, size,
           sha512, source_url, source_expires_at)
         SELECT i.id, a.attachment_id, a.position, a.filename, a.media_type, a.size, a.sha512, a.source_url,
           a.source_expires_at
         FROM inserted i, jsonb_to_recordset($11::jsonb) AS a(attachment_id uuid, position int, filename text,
           media_type text, size bigint, sha512 text, source_url text, source_expires_at timestamptz)
       )
       SELECT id FROM inserted`,
      [
        m.id,
        m.kind,
        m.submissionId,
        m.replyId,
        m.tenant,
        m.vorgangsnummer,
        m.destinationId,
        m.format,
        m.channel,
        JSON.stringify(m.input),
        JSON.stringify(
          attachments.map((a, i) => ({
            attachment_id: a.attachmentId,
            position: i + 1,
            filename: a.filename,
            media_type: a.mediaType,
            size: a.size,
            sha512: a.sha512,
            source_url: a.sourceUrl,
            source_expires_at: a.sourceExpiresAt,
          })),
        ),
      ],
    );
    return rows.length === 1;
  }

  async findSubmissionMessage(
    manager: EntityManager,
    submissionId: string,
  ): Promise<MessageRecord | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${LIGHT} FROM routing.message WHERE submission_id = $1 AND kind = 'submission'`,
      [submissionId],
    );
    return rows[0] ? toMessage(rows[0]) : undefined;
  }
}
