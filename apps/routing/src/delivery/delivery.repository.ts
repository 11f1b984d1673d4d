import type { EventContract } from '@amtsbote/contracts';
import { type EventDraft, OutboxWriter } from '@amtsbote/messaging';
import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type DestinationRow, toDestination } from '../destinations/destinations.repository';
import type { DestinationRecord } from '../destinations/destinations.types';
import { type BuiltMessage, FULL, selectAttachments, type Row, toMessage } from '../messages/message-rows';
import type {
  AttachmentRecord,
  DeadLetterReport,
  DeadReason,
  MessageRecord,
  MessageState,
} from '../messages/messages.types';

/** A claimed message with its destination as it is now (undefined if it was deleted meanwhile). */
export interface Claim {
  m: MessageRecord;
  d: DestinationRecord | undefined;
}

/** A destination row as `to_jsonb` gives it: timestamps as text. */
type DestinationJson = Omit<DestinationRow, 'created_at' | 'updated_at'> & {
  created_at: string;
  updated_at: string;
};

/**
 * The delivery worker's view of messages: claim due ones, build, send, retry, dead-letter. A transition
 * that emits an event is one statement (the guarded update, the attachments, the outbox rows as
 * data-modifying CTEs): atomic without a transaction of several round trips.
 */
@Injectable()
export class DeliveryRepository {
  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Claims due messages and reads them with their destinations, in one statement: rows locked by another
   * worker are skipped, and a claimed row is pushed `leaseMs` into the future, so a worker that dies
   * mid-delivery leaves it due again after the lease. The claim counts an attempt.
   */
  async claimDue(limit: number, leaseMs: number): Promise<Claim[]> {
    const rows = await this.dataSource.query<Array<Row & { destination: DestinationJson | null }>>(
      `WITH claimed AS (
         UPDATE routing.message m
         SET due_at = now() + ($2::text || ' milliseconds')::interval, attempts = m.attempts + 1, waiting_on = NULL
         FROM (SELECT id FROM routing.message WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
         WHERE m.id = due.id
         RETURNING m.*
       )
       SELECT ${FULL}, (SELECT to_jsonb(d) FROM routing.destination d WHERE d.id = claimed.destination_id) AS destination
       FROM claimed`,
      [limit, String(leaseMs)],
    );
    return rows.map((r) => ({
      m: toMessage(r),
      d:
        r.destination === null
          ? undefined
          : toDestination({
              ...r.destination,
              created_at: new Date(r.destination.created_at),
              updated_at: new Date(r.destination.updated_at),
            }),
    }));
  }

  /** The attachments with routing's copies of their content (where it holds one). */
  attachments(messageId: string): Promise<AttachmentRecord[]> {
    return selectAttachments(this.dataSource, messageId, true);
  }

  /** Keeps routing's own copies of attachments (fetched once from their owner) when a build is retried. */
  async storeAttachmentCopies(
    messageId: string,
    copies: ReadonlyArray<{ attachmentId: string; content: Buffer }>,
  ): Promise<void> {
    if (copies.length === 0) return;
    await this.dataSource.query(
      `UPDATE routing.message_attachment ma SET content = c.content, encrypted = false, source_url = NULL
       FROM unnest($2::uuid[], $3::bytea[]) AS c(attachment_id, content)
       WHERE ma.message_id = $1 AND ma.attachment_id = c.attachment_id`,
      [messageId, copies.map((c) => c.attachmentId), copies.map((c) => c.content)],
    );
  }

  /**
   * The outbox rows of `events` as a data-modifying CTE (appending its parameters to `params`), written only
   * if the CTE `guard` (the guarded update) returned its row.
   */
  private eventsCte(events: Array<EventDraft<EventContract>>, params: unknown[], guard: string): string {
    if (events.length === 0) return '';
    const prepared = this.outbox.prepare(events);
    params.push(prepared.rows, prepared.source);
    const onlyIf = `EXISTS (SELECT 1 FROM ${guard})`;
    return `, events AS (${this.outbox.insertSql(params.length - 1, params.length, onlyIf)})`;
  }

  /**
   * Guarded transition out of BUILDING (only the worker holding the claim — state and attempt count unchanged
   * — may write), with the attachments as built and `events`, in one statement. A message going on to be
   * sent stays claimed by this worker for the attempt it starts at once (attempt 1, due after `leaseMs`);
   * attachments fetched in this step (`fetched`) lose their source URL: routing holds them now.
   */
  async markBuilt(
    id: string,
    attempts: number,
    built: BuiltMessage,
    next: 'SENDING' | 'AVAILABLE',
    target: { format: string; channel: string },
    o: { leaseMs: number; fetched: ReadonlySet<string>; events: Array<EventDraft<EventContract>> },
  ): Promise<boolean> {
    const params: unknown[] = [
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
      target.format,
      target.channel,
      String(o.leaseMs),
      built.attachments.map((a) => a.attachmentId),
      built.attachments.map((a) => a.content),
      built.attachments.map((a) => built.encrypted && a.content !== null),
      built.attachments.map((a) => o.fetched.has(a.attachmentId)),
    ];
    const events = this.eventsCte(o.events, params, 'built');
    const rows = await this.dataSource.query<unknown[]>(
      `WITH built AS (
         UPDATE routing.message SET built_at = now(), payload = $3, payload_filename = $4, payload_media_type = $5,
           payload_size = $6, payload_sha512 = $7, metadata = $8, encrypted = $9, state = $10, last_error = NULL,
           attempts = CASE WHEN $10 = 'SENDING' THEN 1 ELSE 0 END,
           due_at = CASE WHEN $10 = 'SENDING' THEN now() + ($13::text || ' milliseconds')::interval ELSE NULL END,
           available_at = CASE WHEN $10 = 'AVAILABLE' THEN now() ELSE NULL END, format = $11, channel = $12
         WHERE id = $1 AND state = 'BUILDING' AND attempts = $2 RETURNING id
       ), attachments AS (
         UPDATE routing.message_attachment ma SET content = a.content, encrypted = a.encrypted,
           source_url = CASE WHEN a.fetched THEN NULL ELSE ma.source_url END
         FROM unnest($14::uuid[], $15::bytea[], $16::boolean[], $17::boolean[])
           AS a(attachment_id, content, encrypted, fetched)
         WHERE ma.message_id = $1 AND ma.attachment_id = a.attachment_id AND EXISTS (SELECT 1 FROM built)
       )${events}
       SELECT id FROM built`,
      params,
    );
    if (rows.length === 0) return false;
    if (o.events.length > 0) this.outbox.written();
    return true;
  }

  /**
   * SENDING → DELIVERED with `events`, one statement; `followUpAt`: the channel asks its transport for the
   * receipt then.
   */
  async markPushed(
    id: string,
    attempts: number,
    events: Array<EventDraft<EventContract>>,
    followUpAt: Date | null = null,
  ): Promise<boolean> {
    const params: unknown[] = [id, attempts, followUpAt];
    const cte = this.eventsCte(events, params, 'pushed');
    const rows = await this.dataSource.query<unknown[]>(
      `WITH pushed AS (
         UPDATE routing.message SET state = 'DELIVERED', due_at = $3, delivered_at = now(), last_error = NULL
         WHERE id = $1 AND state = 'SENDING' AND attempts = $2 RETURNING id
       )${cte}
       SELECT id FROM pushed`,
      params,
    );
    if (rows.length === 0) return false;
    if (events.length > 0) this.outbox.written();
    return true;
  }

  /** The next attempt at `dueAt`; `waitingOn`: the dependency that failed (see {@link pullForward}). */
  async scheduleRetry(
    id: string,
    state: MessageState,
    attempts: number,
    dueAt: Date,
    error: string,
    waitingOn: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE routing.message SET due_at = $4, last_error = $5, waiting_on = $6
       WHERE id = $1 AND state = $2 AND attempts = $3`,
      [id, state, attempts, dueAt, error.slice(0, 2000), waitingOn],
    );
  }

  /**
   * Retries waiting on a dependency that answers again become due now; their backoff was for the outage.
   * Claimed messages are not touched (a claim clears `waiting_on`). Returns how many.
   */
  async pullForward(waitingOn: string): Promise<number> {
    const rows = await returning<unknown>(
      this.dataSource,
      `UPDATE routing.message SET due_at = now(), waiting_on = NULL
       WHERE waiting_on = $1 AND due_at > now() RETURNING id`,
      [waitingOn],
    );
    return rows.length;
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
