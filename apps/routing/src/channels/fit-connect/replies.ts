import { createHash } from 'node:crypto';
import { AMTSBOTE_REPLY_PROCESS_STANDARD } from '@amtsbote/xoev';
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import type { ReplyKeyRing } from '../../common/reply-keys';
import type { IncomingReply } from '../../replies/replies.service';
import type { FitConnectSettings, SubmissionApi } from './api';
import { EVENTS, type VerifiedEvent } from './events';

/** Why a reply is not taken: logged, remembered, and never shown to the citizen. */
export class UnusableReply extends Error {
  override name = 'UnusableReply';
}

interface ReplyMetadata {
  contentStructure?: {
    data?: { processStandard?: string; hash?: { content?: string } };
    attachments?: Array<{
      attachmentId: string;
      filename?: string;
      mimeType?: string;
      hash?: { content?: string };
    }>;
  };
}

interface Tags {
  metadata?: string;
  data?: string;
  attachments?: Record<string, string>;
}

function sha512(b: Buffer): string {
  return createHash('sha512').update(b).digest('hex');
}

function tagOf(jwe: string): string {
  return jwe.split('.')[4] ?? '';
}

/** The replies announced in a case's verified event log (`submit-reply`, signed by the Zustelldienst). */
export function announcedReplies(events: VerifiedEvent[]): Array<{ replyId: string; tags: Tags }> {
  return events
    .filter((e) => e.type === EVENTS.submitReply && e.replyId !== undefined)
    .map((e) => ({ replyId: e.replyId!, tags: e.payload.authenticationTags ?? {} }));
}

/**
 * Reads one reply of a case: fetches it and its attachments, checks each JWE against the authentication
 * tags the Zustelldienst signed in `submit-reply`, decrypts with the reply key named by `kid` (several
 * keys during a rotation), checks the hashes of the metadata and the data, and reads Amtsbote's reply
 * process standard (`kind`, `subject`, `body`). Throws {@link UnusableReply} when anything does not hold.
 */
export async function readReply(
  api: SubmissionApi,
  s: FitConnectSettings,
  keys: ReplyKeyRing,
  announced: { replyId: string; tags: Tags },
  maxBytes: number,
  signal: AbortSignal,
): Promise<Omit<IncomingReply, 'by'> & { replyId: string; tags: Required<Tags> }> {
  const { replyId, tags } = announced;
  const answer = await api.call<{
    encryptedMetadata?: string;
    encryptedData?: string;
    attachments?: string[];
  }>(s, 'GET', `/v2/replies/${replyId}`, signal);
  if (answer.status !== 200) throw new Error(`fetching reply ${replyId} answered HTTP ${answer.status}`);
  const { encryptedMetadata, encryptedData } = answer.body;
  if (typeof encryptedMetadata !== 'string' || typeof encryptedData !== 'string')
    throw new UnusableReply('the reply has no encrypted metadata or data');
  if (tagOf(encryptedMetadata) !== tags.metadata || tagOf(encryptedData) !== tags.data)
    throw new UnusableReply('the reply does not match the authentication tags of its submit-reply event');
  const decrypt = async (jwe: string): Promise<Buffer> => {
    let kid: string | undefined;
    try {
      const h = decodeProtectedHeader(jwe);
      if (h.alg !== 'RSA-OAEP-256' || h.enc !== 'A256GCM')
        throw new UnusableReply(`alg/enc ${h.alg}/${h.enc}`);
      kid = h.kid;
    } catch (err) {
      if (err instanceof UnusableReply) throw err;
      throw new UnusableReply('not a JWE');
    }
    const key = keys.privateKey(kid);
    if (key === undefined)
      throw new UnusableReply(`encrypted to kid ${String(kid)}, which routing does not hold`);
    try {
      return Buffer.from((await compactDecrypt(jwe, key)).plaintext);
    } catch {
      throw new UnusableReply('does not decrypt');
    }
  };
  let metadata: ReplyMetadata;
  let data: { kind?: unknown; subject?: unknown; body?: unknown };
  const dataBytes = await decrypt(encryptedData);
  try {
    metadata = JSON.parse((await decrypt(encryptedMetadata)).toString('utf8')) as ReplyMetadata;
    data = JSON.parse(dataBytes.toString('utf8')) as typeof data;
  } catch (err) {
    if (err instanceof UnusableReply) throw err;
    throw new UnusableReply('metadata or data is not JSON');
  }
  const structure = metadata.contentStructure;
  if (structure?.data?.processStandard !== AMTSBOTE_REPLY_PROCESS_STANDARD)
    throw new UnusableReply(`process standard ${String(structure?.data?.processStandard)} is not offered`);
  if (structure.data.hash?.content !== sha512(dataBytes))
    throw new UnusableReply('the data does not match its hash');
  if (
    (data.kind !== 'BESCHEID' && data.kind !== 'MESSAGE') ||
    typeof data.subject !== 'string' ||
    data.subject === '' ||
    data.subject.length > 255 ||
    typeof data.body !== 'string' ||
    data.body.length > 100_000
  )
    throw new UnusableReply('the data is not a reply of the process standard (kind, subject, body)');
  const attachments: IncomingReply['attachments'] = [];
  let total = 0;
  const listed = structure.attachments ?? [];
  if (listed.length > 20) throw new UnusableReply('more than 20 attachments');
  for (const a of listed) {
    const path = `/v2/replies/${replyId}/attachments/${encodeURIComponent(a.attachmentId)}`;
    const got = await api.call<unknown>(s, 'GET', path, signal);
    if (got.status !== 200) throw new Error(`fetching reply attachment answered HTTP ${got.status}`);
    const jwe = got.raw.trim();
    if (tagOf(jwe) !== tags.attachments?.[a.attachmentId])
      throw new UnusableReply(`attachment ${a.attachmentId} does not match its authentication tag`);
    const content = await decrypt(jwe);
    if (a.hash?.content !== sha512(content))
      throw new UnusableReply(`attachment ${a.attachmentId} does not match its hash`);
    total += content.length;
    if (total > maxBytes) throw new UnusableReply(`the attachments exceed ${maxBytes} bytes`);
    attachments.push({
      filename: (a.filename ?? `${a.attachmentId}`).slice(0, 255),
      mediaType: a.mimeType ?? 'application/octet-stream',
      content,
    });
  }
  return {
    replyId,
    kind: data.kind,
    subject: data.subject,
    body: data.body,
    attachments,
    tags: { metadata: tags.metadata, data: tags.data, attachments: tags.attachments ?? {} },
  };
}
