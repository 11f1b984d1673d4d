import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type BuiltMessage,
  type Claimed,
  FULL,
  selectAttachments,
  type Row,
  toMessage,
} from '../messages/message-rows';
import type {
  AttachmentRecord,
  DeadLetterReport,
  DeadReason,
  MessageRecord,
  MessageState,
} from '../messages/messages.types';

/** The delivery worker's view of messages: claim due ones, load, build, send, retry, dead-letter. */
@Injectable()
export class DeliveryRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Claims due messages: rows locked by another worker are skipped, and a claimed row is pushed `leaseMs`
   * into the future, so a worker that dies mid-delivery leaves it due again after the lease.
   */
  async claimDue(limit: number, leaseMs: number): Promise<Claimed[]> {
    const rows = await returning<{ id: string; state: MessageState; attempts: number }>(
      this.dataSource,
      `UPDATE routing.message m SET due_at = now() + ($2::text || ' milliseconds')::interval, attempts = m.attempts + 1
       FROM (SELECT id FROM routing.message WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
       WHERE m.id = due.id
       RETURNING m.id, m.state, m.attempts`,
      [limit, String(leaseMs)],
    );
    return rows;
  }

  async load(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<MessageRecord | undefined> {
    const rows = await manager.query<Row[]>(`SELECT ${FULL} FROM routing.message WHERE id = $1`, [id]);
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  /** The attachments with routing's copies of their content (where it holds one). */
  attachments(messageId: string): Promise<AttachmentRecord[]> {
    return selectAttachments(this.dataSource, messageId, true);
  }

  /** Keeps routing's own copy of an attachment (fetched once from its owner). */
  async storeAttachmentCopy(messageId: string, attachmentId: string, content: Buffer): Promise<void> {
    await this.dataSource.query(
      `UPDATE routing.message_attachment SET content = $3, encrypted = false, source_url = NULL
       WHERE message_id = $1 AND attachment_id = $2`,
      [messageId, attachmentId, content],
    );
  }

  /** Guarded transition: only the worker holding the claim (state and attempt count unchanged) may write. */
  async markBuilt(
    manager: EntityManager,
    id: string,
    attempts: number,
    built: BuiltMessage,
    next: 'SENDING' | 'AVAILABLE',
    format: string,
    channel: string,
  ): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET built_at = now(), attempts = 0, payload = $3, payload_filename = $4, payload_media_type = $5,
         payload_size = $6, payload_sha512 = $7, metadata = $8, encrypted = $9, state = $10, last_error = NULL,
         due_at = CASE WHEN $10 = 'SENDING' THEN now() ELSE NULL END,
         available_at = CASE WHEN $10 = 'AVAILABLE' THEN now() ELSE NULL END, format = $11, channel = $12
       WHERE id = $1 AND state = 'BUILDING' AND attempts = $2 RETURNING id`,
      [
        id,
        attempts,
        built.payload,
        built.payloadFilename,
        built.payloadMediaType,
        built.payloadSize,
        built.payloadSha512,
        built.metadata,
        built.encrypted,
        next,
        format,
        channel,
      ],
    );
    if (rows.length === 0) return false;
    for (const a of built.attachments) {
      await manager.query(
        `UPDATE routing.message_attachment SET content = $3, encrypted = $4 WHERE message_id = $1 AND attachment_id = $2`,
        [id, a.attachmentId, a.content, built.encrypted && a.content !== null],
      );
    }
    return true;
  }

  async scheduleRetry(
    id: string,
    state: MessageState,
    attempts: number,
    dueAt: Date,
    error: string,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE routing.message SET due_at = $4, last_error = $5 WHERE id = $1 AND state = $2 AND attempts = $3`,
      [id, state, attempts, dueAt, error.slice(0, 2000)],
    );
  }

  /** After an interrupted attempt (shutdown): due again at once, the attempt not counted. */
  async release(id: string, state: MessageState, attempts: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE routing.message SET due_at = now(), attempts = attempts - 1 WHERE id = $1 AND state = $2 AND attempts = $3`,
      [id, state, attempts],
    );
  }

  async markDead(
    manager: EntityManager,
    id: string,
    state: MessageState,
    attempts: number,
    reason: DeadReason,
    report: DeadLetterReport,
  ): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'DEAD', due_at = NULL, dead_reason = $4, dead_report = $5, dead_at = now(),
         last_error = $6
       WHERE id = $1 AND state = $2 AND attempts = $3 RETURNING id`,
      [id, state, attempts, reason, JSON.stringify(report), report.summary.slice(0, 2000)],
    );
    return rows.length === 1;
  }

  /** SENDING → DELIVERED; `followUpAt`: the channel asks its transport for the receipt then. */
  async markPushed(
    manager: EntityManager,
    id: string,
    attempts: number,
    followUpAt: Date | null = null,
  ): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'DELIVERED', due_at = $3, delivered_at = now(), last_error = NULL
       WHERE id = $1 AND state = 'SENDING' AND attempts = $2 RETURNING id`,
      [id, attempts, followUpAt],
    );
    return rows.length === 1;
  }

  /** The channel's own state of a message (e.g. a remote submission id), kept at once. */
  async saveChannelState(id: string, state: unknown): Promise<void> {
    await this.dataSource.query(`UPDATE routing.message SET channel_state = $2 WHERE id = $1`, [
      id,
      JSON.stringify(state),
    ]);
  }

  /** A delivered message whose acknowledgement the channel follows: asked again at `dueAt` (or no more). */
  async scheduleFollowUp(id: string, attempts: number, dueAt: Date | null, error?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE routing.message SET due_at = $3, last_error = $4 WHERE id = $1 AND state = 'DELIVERED' AND attempts = $2`,
      [id, attempts, dueAt, error?.slice(0, 2000) ?? null],
    );
  }

  /** DELIVERED → REJECTED: the receiver refused the submission after taking it over. */
  async markRefusedAfterDelivery(
    manager: EntityManager,
    id: string,
    attempts: number,
    rejection: unknown,
  ): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'REJECTED', rejected_at = now(), rejection = $3, due_at = NULL
       WHERE id = $1 AND state = 'DELIVERED' AND attempts = $2 RETURNING id`,
      [id, attempts, JSON.stringify(rejection)],
    );
    return rows.length === 1;
  }
}
