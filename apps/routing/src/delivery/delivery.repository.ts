import type { EventContract } from '@amtsbote/contracts';
import { type EventDraft, OutboxWriter } from '@amtsbote/messaging';
import { Coalescer, returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type DestinationRow, toDestination } from '../destinations/destinations.repository';
import type { DestinationRecord } from '../destinations/destinations.types';
import { type BuiltMessage, FULL, type Row, selectAttachmentsOf, toMessage } from '../messages/message-rows';
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

/** One message's transition out of BUILDING (see {@link DeliveryRepository.markBuilt}). */
interface BuiltStep {
  id: string;
  attempts: number;
  built: BuiltMessage;
  next: 'SENDING' | 'AVAILABLE';
  target: { format: string; channel: string };
  leaseMs: number;
  fetched: ReadonlySet<string>;
  events: Array<EventDraft<EventContract>>;
}

/** One message's transition SENDING → DELIVERED (see {@link DeliveryRepository.markPushed}). */
interface PushedStep {
  id: string;
  attempts: number;
  events: Array<EventDraft<EventContract>>;
  followUpAt: Date | null;
}

/**
 * The delivery worker's view of messages: claim due ones, build, send, retry, dead-letter. A transition
 * that emits an event is one statement (the guarded update, the attachments, the outbox rows as
 * data-modifying CTEs): atomic without a transaction of several round trips. The steps every message takes
 * (read its attachments, record the build, record the push) are coalesced: the messages in flight at once
 * share one statement per step, each still guarded on its own.
 */
@Injectable()
export class DeliveryRepository {
  private readonly attachmentReads = new Coalescer<string, AttachmentRecord[]>(async (ids) => {
    const all = await selectAttachmentsOf(this.dataSource, ids, true);
    return ids.map((id) => all.get(id) ?? []);
  });
  private readonly builds = new Coalescer<BuiltStep, boolean>((steps) => this.recordBuilds(steps));
  private readonly pushes = new Coalescer<PushedStep, boolean>((steps) => this.recordPushes(steps));

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
    return this.attachmentReads.call(messageId);
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
   * The outbox rows of several messages' events as a data-modifying CTE: each event is written only if its
   * own message's guarded update (a row of the CTE `guard`) went through.
   */
  private eventsOfCte(
    steps: ReadonlyArray<{ id: string; events: Array<EventDraft<EventContract>> }>,
    params: unknown[],
    guard: string,
  ): string {
    const drafts = steps.flatMap((s) => s.events);
    if (drafts.length === 0) return '';
    const prepared = this.outbox.prepare(drafts);
    const owners = steps.flatMap((s) => s.events.map(() => s.id));
    params.push(prepared.rows, prepared.source, prepared.ids, owners);
    const n = params.length;
    const onlyIf = `EXISTS (SELECT 1 FROM ${guard} g JOIN unnest($${n - 1}::uuid[], $${n}::uuid[]) AS eo(event_id, message_id)
         ON eo.message_id = g.id WHERE eo.event_id = r.id)`;
    return `, events AS (${this.outbox.insertSql(n - 3, n - 2, onlyIf)})`;
  }

  /** Wakes the relay if any of `steps` that went through (`done`) wrote events. */
  private wroteEvents(
    steps: ReadonlyArray<{ id: string; events: unknown[] }>,
    done: ReadonlySet<string>,
  ): void {
    if (steps.some((s) => s.events.length > 0 && done.has(s.id))) this.outbox.written();
  }

  /**
   * Guarded transition out of BUILDING (only the worker holding the claim — state and attempt count unchanged
   * — may write), with the attachments as built and `events`, in one statement. A message going on to be
   * sent stays claimed by this worker for the attempt it starts at once (attempt 1, due after `leaseMs`);
   * attachments fetched in this step (`fetched`) lose their source URL: routing holds them now.
   */
  markBuilt(
    id: string,
    attempts: number,
    built: BuiltMessage,
    next: 'SENDING' | 'AVAILABLE',
    target: { format: string; channel: string },
    o: { leaseMs: number; fetched: ReadonlySet<string>; events: Array<EventDraft<EventContract>> },
  ): Promise<boolean> {
    return this.builds.call({ id, attempts, built, next, target, ...o });
  }

  private async recordBuilds(steps: readonly BuiltStep[]): Promise<boolean[]> {
    const col = <T>(f: (s: BuiltStep) => T) => steps.map(f);
    const files = steps.flatMap((s) => s.built.attachments.map((a) => ({ s, a })));
    const params: unknown[] = [
      col((s) => s.id),
      col((s) => s.attempts),
      col((s) => s.built.payload),
      col((s) => s.built.payloadFilename),
      col((s) => s.built.payloadMediaType),
      col((s) => s.built.payloadSize),
      col((s) => s.built.payloadSha512),
      col((s) => s.built.metadata),
      col((s) => s.built.encrypted),
      col((s) => s.next),
      col((s) => s.target.format),
      col((s) => s.target.channel),
      col((s) => s.leaseMs),
      files.map(({ s }) => s.id),
      files.map(({ a }) => a.attachmentId),
      files.map(({ a }) => a.content),
      files.map(({ s, a }) => s.built.encrypted && a.content !== null),
      files.map(({ s, a }) => s.fetched.has(a.attachmentId)),
    ];
    const events = this.eventsOfCte(steps, params, 'built');
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `WITH b AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::bytea[], $4::text[], $5::text[], $6::int[], $7::text[],
           $8::bytea[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::int[])
           AS b(id, attempts, payload, payload_filename, payload_media_type, payload_size, payload_sha512, metadata,
             encrypted, next, format, channel, lease_ms)
       ), built AS (
         UPDATE routing.message m SET built_at = now(), payload = b.payload, payload_filename = b.payload_filename,
           payload_media_type = b.payload_media_type, payload_size = b.payload_size,
           payload_sha512 = b.payload_sha512, metadata = b.metadata, encrypted = b.encrypted, state = b.next,
           last_error = NULL, attempts = CASE WHEN b.next = 'SENDING' THEN 1 ELSE 0 END,
           due_at = CASE WHEN b.next = 'SENDING' THEN now() + b.lease_ms * interval '1 millisecond' ELSE NULL END,
           available_at = CASE WHEN b.next = 'AVAILABLE' THEN now() ELSE NULL END, format = b.format,
           channel = b.channel
         FROM b WHERE m.id = b.id AND m.state = 'BUILDING' AND m.attempts = b.attempts RETURNING m.id
       ), attachments AS (
         UPDATE routing.message_attachment ma SET content = a.content, encrypted = a.encrypted,
           source_url = CASE WHEN a.fetched THEN NULL ELSE ma.source_url END
         FROM unnest($14::uuid[], $15::uuid[], $16::bytea[], $17::boolean[], $18::boolean[])
           AS a(message_id, attachment_id, content, encrypted, fetched)
         WHERE ma.message_id = a.message_id AND ma.attachment_id = a.attachment_id
           AND a.message_id IN (SELECT id FROM built)
       )${events}
       SELECT id FROM built`,
      params,
    );
    const done = new Set(rows.map((r) => r.id));
    this.wroteEvents(steps, done);
    return steps.map((s) => done.has(s.id));
  }

  /**
   * SENDING → DELIVERED with `events`, one statement; `followUpAt`: the channel asks its transport for the
   * receipt then.
   */
  markPushed(
    id: string,
    attempts: number,
    events: Array<EventDraft<EventContract>>,
    followUpAt: Date | null = null,
  ): Promise<boolean> {
    return this.pushes.call({ id, attempts, events, followUpAt });
  }

  private async recordPushes(steps: readonly PushedStep[]): Promise<boolean[]> {
    const params: unknown[] = [
      JSON.stringify(
        steps.map((s) => ({
          id: s.id,
          attempts: s.attempts,
          follow_up_at: s.followUpAt?.toISOString() ?? null,
        })),
      ),
    ];
    const events = this.eventsOfCte(steps, params, 'pushed');
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `WITH pushed AS (
         UPDATE routing.message m SET state = 'DELIVERED', due_at = p.follow_up_at, delivered_at = now(),
           last_error = NULL
         FROM jsonb_to_recordset($1::jsonb) AS p(id uuid, attempts int, follow_up_at timestamptz)
         WHERE m.id = p.id AND m.state = 'SENDING' AND m.attempts = p.attempts RETURNING m.id
       )${events}
       SELECT id FROM pushed`,
      params,
    );
    const done = new Set(rows.map((r) => r.id));
    this.wroteEvents(steps, done);
    return steps.map((s) => done.has(s.id));
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
