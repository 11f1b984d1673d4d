import type { EntityManager } from 'typeorm';

/** How a message and its attachments are read from and written to routing.message(_attachment). */
import type {
  AttachmentRecord,
  DeadLetterReport,
  DeadReason,
  MessageInput,
  MessageKind,
  MessageRecord,
  MessageState,
} from './messages.types';

/** Columns of a message without its (possibly large) payload. */
export const LIGHT = `id, kind, submission_id, reply_id, tenant, vorgangsnummer, destination_id, format, channel, state, attempts,
  cycle_started_at, due_at, last_error, dead_reason, dead_report, dead_at, built_at, payload_filename, payload_media_type,
  payload_size, payload_sha512, encrypted, created_at, available_at, delivered_at, fetched_at, rejected_at, receipt_at,
  purged_at, metadata IS NOT NULL AS has_metadata`;
export const FULL = `${LIGHT}, input, payload, metadata, channel_state`;

export type Row = Record<string, unknown>;

export function toMessage(r: Row): MessageRecord {
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
    channelState: r.channel_state ?? null,
  };
}

export function toAttachment(r: Row): AttachmentRecord {
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

/** The attachments of a message in order; `withContent` loads routing's copies of the bytes. */
export async function selectAttachments(
  q: Pick<EntityManager, 'query'>,
  messageId: string,
  withContent: boolean,
): Promise<AttachmentRecord[]> {
  return (await selectAttachmentsOf(q, [messageId], withContent)).get(messageId) ?? [];
}

/** The attachments of several messages in one statement, each message's in order. */
export async function selectAttachmentsOf(
  q: Pick<EntityManager, 'query'>,
  messageIds: readonly string[],
  withContent: boolean,
): Promise<Map<string, AttachmentRecord[]>> {
  const rows = await q.query<Row[]>(
    `SELECT message_id, attachment_id, position, filename, media_type, size, sha512, source_url, source_expires_at,
       ${withContent ? 'content' : 'NULL::bytea AS content'}, content IS NOT NULL AS has_content, encrypted
     FROM routing.message_attachment WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position`,
    [messageIds],
  );
  const out = new Map<string, AttachmentRecord[]>();
  for (const a of rows.map(toAttachment)) out.set(a.messageId, [...(out.get(a.messageId) ?? []), a]);
  return out;
}
