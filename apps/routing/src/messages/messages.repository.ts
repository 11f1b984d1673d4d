import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type {
  AttachmentRecord,
  DeadLetterReport,
  DeadReason,
  MessageInput,
  MessageKind,
  MessageRecord,
  MessageState,
  UnroutableRecord,
} from './messages.types';

/** Columns of a message without its (possibly large) payload. */
const LIGHT = `id, kind, submission_id, reply_id, tenant, vorgangsnummer, destination_id, format, channel, state, attempts,
  cycle_started_at, due_at, last_error, dead_reason, dead_report, dead_at, built_at, payload_filename, payload_media_type,
  payload_size, payload_sha512, encrypted, created_at, available_at, delivered_at, fetched_at, rejected_at, receipt_at,
  purged_at, metadata IS NOT NULL AS has_metadata`;
const FULL = `${LIGHT}, input, payload, metadata`;

type Row = Record<string, unknown>;

function toMessage(r: Row): MessageRecord {
  return {
    id: r.id as string,
    kind: r.kind as MessageKind,
    submissionId: r.submission_id as string,
    replyId: (r.reply_id as string | null) ?? null,
    tenant: r.tenant as string,
    vorgangsnummer: r.vorgangsnummer as string,
    destinationId: r.destination_id as string,
    format: r.format as MessageRecord['format'],
    channel: r.channel as MessageRecord['channel'],
    input: (r.input as MessageInput | null | undefined) ?? null,
    state: r.state as MessageState,
    attempts: r.attempts as number,
    cycleStartedAt: r.cycle_started_at as Date,
    dueAt: (r.due_at as Date | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    deadReason: (r.dead_reason as DeadReason | null) ?? null,
    deadReport: (r.dead_report as DeadLetterReport | null) ?? null,
    deadAt: (r.dead_at as Date | null) ?? null,
    builtAt: (r.built_at as Date | null) ?? null,
    payload: (r.payload as Buffer | null | undefined) ?? null,
    payloadFilename: (r.payload_filename as string | null) ?? null,
    payloadMediaType: (r.payload_media_type as string | null) ?? null,
    payloadSize: (r.payload_size as number | null) ?? null,
    payloadSha512: (r.payload_sha512 as string | null) ?? null,
    metadata: (r.metadata as Buffer | null | undefined) ?? null,
    hasMetadata: r.has_metadata as boolean,
    encrypted: r.encrypted as boolean,
    createdAt: r.created_at as Date,
    availableAt: (r.available_at as Date | null) ?? null,
    deliveredAt: (r.delivered_at as Date | null) ?? null,
    fetchedAt: (r.fetched_at as Date | null) ?? null,
    rejectedAt: (r.rejected_at as Date | null) ?? null,
    receiptAt: (r.receipt_at as Date | null) ?? null,
    purgedAt: (r.purged_at as Date | null) ?? null,
  };
}

function toAttachment(r: Row): AttachmentRecord {
  return {
    messageId: r.message_id as string,
    attachmentId: r.attachment_id as string,
    position: r.position as number,
    filename: r.filename as string,
    mediaType: r.media_type as string,
    size: Number(r.size),
    sha512: r.sha512 as string,
    sourceUrl: (r.source_url as string | null) ?? null,
    sourceExpiresAt: (r.source_expires_at as Date | null) ?? null,
    content: (r.content as Buffer | null | undefined) ?? null,
    hasContent: r.has_content as boolean,
    encrypted: r.encrypted as boolean,
  };
}

export interface NewMessage {
  id: string;
  kind: MessageKind;
  submissionId: string;
  replyId: string | null;
  tenant: string;
  vorgangsnummer: string;
  destinationId: string;
  format: string;
  channel: string;
  input: MessageInput;
}

export interface NewAttachment {
  attachmentId: string;
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
  sourceUrl: string;
  sourceExpiresAt: string;
}

export interface Claimed {
  id: string;
  state: MessageState;
  attempts: number;
}

export interface BuiltMessage {
  payload: Buffer;
  payloadFilename: string;
  payloadMediaType: string;
  payloadSize: number;
  payloadSha512: string;
  metadata: Buffer | null;
  encrypted: boolean;
  /** Attachments as delivered separately (encrypted when the destination has a key); others are dropped. */
  attachments: Array<{ attachmentId: string; content: Buffer | null }>;
}

/** Messages and their delivery state: the only place with SQL about them. */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  // ---- intake of work -------------------------------------------------------------------------

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

  /** Unroutable submissions, newest first; tenant null means all. */
  async listUnroutable(filter: {
    tenant: string | null;
    since?: Date;
    limit: number;
  }): Promise<UnroutableRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT submission_id, tenant, vorgangsnummer, leika_key, ars, reason, at FROM routing.unroutable
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2::timestamptz IS NULL OR at >= $2)
       ORDER BY at DESC, submission_id LIMIT $3`,
      [filter.tenant, filter.since ?? null, filter.limit],
    );
    return rows.map((r) => ({
      submissionId: r.submission_id as string,
      tenant: r.tenant as string,
      vorgangsnummer: (r.vorgangsnummer as string | null) ?? null,
      leikaKey: r.leika_key as string,
      ars: r.ars as string,
      reason: r.reason as string,
      at: r.at as Date,
    }));
  }

  /** Inserts a message due for building now; false when it exists (same submission or reply). */
  async insert(manager: EntityManager, m: NewMessage, attachments: NewAttachment[]): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO routing.message (id, kind, submission_id, reply_id, tenant, vorgangsnummer, destination_id, format,
         channel, input, state, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'BUILDING', now())
       ON CONFLICT DO NOTHING RETURNING id`,
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
      ],
    );
    if (rows.length === 0) return false;
    if (attachments.length > 0) {
      await manager.query(
        `INSERT INTO routing.message_attachment (message_id, attachment_id, position, filename, media_type, size, sha512,
           source_url, source_expires_at)
         SELECT $1, a.attachment_id, a.position, a.filename, a.media_type, a.size, a.sha512, a.source_url, a.source_expires_at
         FROM jsonb_to_recordset($2::jsonb) AS a(attachment_id uuid, position int, filename text, media_type text,
           size bigint, sha512 text, source_url text, source_expires_at timestamptz)`,
        [
          m.id,
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
    }
    return true;
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

  // ---- the delivery worker ----------------------------------------------------------------------

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

  async find(id: string): Promise<MessageRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT ${LIGHT} FROM routing.message WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  async attachments(messageId: string, withContent = true): Promise<AttachmentRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT message_id, attachment_id, position, filename, media_type, size, sha512, source_url, source_expires_at,
         ${withContent ? 'content' : 'NULL::bytea AS content'}, content IS NOT NULL AS has_content, encrypted
       FROM routing.message_attachment WHERE message_id = $1 ORDER BY position`,
      [messageId],
    );
    return rows.map(toAttachment);
  }

  async attachment(messageId: string, attachmentId: string): Promise<AttachmentRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT *, content IS NOT NULL AS has_content FROM routing.message_attachment
       WHERE message_id = $1 AND attachment_id = $2`,
      [messageId, attachmentId],
    );
    return rows[0] ? toAttachment(rows[0]) : undefined;
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

  async markPushed(manager: EntityManager, id: string, attempts: number): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'DELIVERED', due_at = NULL, delivered_at = now(), last_error = NULL
       WHERE id = $1 AND state = 'SENDING' AND attempts = $2 RETURNING id`,
      [id, attempts],
    );
    return rows.length === 1;
  }

  // ---- the pull mailbox ---------------------------------------------------------------------------

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

  // ---- back channel -------------------------------------------------------------------------------

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

  // ---- operators ----------------------------------------------------------------------------------

  async list(filter: {
    tenant: string | null;
    destinationId?: string;
    submissionId?: string;
    state?: MessageState;
    limit: number;
  }): Promise<MessageRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${LIGHT} FROM routing.message
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR destination_id = $2)
         AND ($3::uuid IS NULL OR submission_id = $3) AND ($4::text IS NULL OR state = $4)
       ORDER BY created_at DESC LIMIT $5`,
      [
        filter.tenant,
        filter.destinationId ?? null,
        filter.submissionId ?? null,
        filter.state ?? null,
        filter.limit,
      ],
    );
    return rows.map(toMessage);
  }

  /**
   * Back into delivery: a dead letter whose message was built is sent (or offered) again unchanged, one that
   * never was built is rebuilt. The attempt count and age start afresh; the message id stays.
   */
  async redeliver(manager: EntityManager, ids: string[]): Promise<string[]> {
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE routing.message SET
         state = CASE WHEN payload IS NULL THEN 'BUILDING' WHEN channel = 'pull' THEN 'AVAILABLE' ELSE 'SENDING' END,
         due_at = CASE WHEN payload IS NOT NULL AND channel = 'pull' THEN NULL ELSE now() END,
         available_at = CASE WHEN payload IS NOT NULL AND channel = 'pull' THEN now() ELSE available_at END,
         attempts = 0, cycle_started_at = now(), dead_reason = NULL, dead_at = NULL, last_error = NULL
       WHERE id = ANY($1::uuid[]) AND state = 'DEAD' AND purged_at IS NULL RETURNING id`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  async deadIds(destinationId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM routing.message WHERE destination_id = $1 AND state = 'DEAD' ORDER BY dead_at`,
      [destinationId],
    );
    return rows.map((r) => r.id);
  }

  async markAbandoned(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'ABANDONED', due_at = NULL WHERE id = $1 AND state = 'DEAD' RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }

  // ---- maintenance --------------------------------------------------------------------------------

  /** Pull messages waiting longer than `olderThan` without an alert: marks them alerted and returns them. */
  async takeUnfetchedForAlert(manager: EntityManager, olderThan: Date): Promise<MessageRecord[]> {
    const rows = await returning<Row>(
      manager,
      `UPDATE routing.message SET not_fetched_alert_at = now()
       WHERE state = 'AVAILABLE' AND not_fetched_alert_at IS NULL AND available_at < $1
       RETURNING ${LIGHT}`,
      [olderThan],
    );
    return rows.map(toMessage);
  }

  /** Pull messages not accepted for too long: EXPIRED, returned. */
  async expireUnfetched(manager: EntityManager, olderThan: Date): Promise<MessageRecord[]> {
    const rows = await returning<Row>(
      manager,
      `UPDATE routing.message SET state = 'EXPIRED' WHERE state = 'AVAILABLE' AND available_at < $1 RETURNING ${LIGHT}`,
      [olderThan],
    );
    return rows.map(toMessage);
  }

  /** Drops form data and file contents of messages finished before `before`. */
  async purge(before: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await returning<{ id: string }>(
        manager,
        `UPDATE routing.message SET input = NULL, payload = NULL, metadata = NULL, purged_at = now()
         WHERE purged_at IS NULL AND state IN ('DELIVERED', 'REJECTED', 'EXPIRED', 'ABANDONED')
           AND coalesce(delivered_at, rejected_at, dead_at, available_at, created_at) < $1
         RETURNING id`,
        [before],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await manager.query(
          `UPDATE routing.message_attachment SET content = NULL WHERE message_id = ANY($1::uuid[])`,
          [ids],
        );
      }
      return ids.length;
    });
  }
}
