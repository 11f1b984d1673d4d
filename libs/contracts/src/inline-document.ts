import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';

/**
 * Largest base64 text of a gzip-compressed document inside one event. The outbox refuses events over 256 KiB
 * (MAX_EVENT_BYTES in @amtsbote/messaging); this leaves 16 KiB for the rest of the payload.
 */
export const MAX_INLINE_GZIP_BASE64 = 240 * 1024;

/** Largest document (uncompressed) an event may carry: the FIM parser's default input limit. */
export const MAX_INLINE_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * An XML document carried inside an event, gzip-compressed and base64-encoded (real FIM schemas of 3.6 MB
 * compress to about 32 KB, XRepository code lists of 3.3 MB to at most 130 KB), with its size and SHA-256 so a
 * consumer decompresses no more than announced and can check what it got.
 */
export const inlineDocument = z.object({
  gzip: z.base64().max(MAX_INLINE_GZIP_BASE64),
  /** Size of the uncompressed UTF-8 document in bytes. */
  bytes: z.number().int().positive().max(MAX_INLINE_DOCUMENT_BYTES),
  /** SHA-256 (hex) of the uncompressed UTF-8 document. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type InlineDocument = z.infer<typeof inlineDocument>;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Compresses a document for an event. Check `gzip.length` against {@link MAX_INLINE_GZIP_BASE64} before sending. */
export function toInlineDocument(document: string | Uint8Array): InlineDocument {
  const raw = typeof document === 'string' ? Buffer.from(document, 'utf8') : document;
  return { gzip: gzipSync(raw).toString('base64'), bytes: raw.length, sha256: sha256Hex(raw) };
}

/**
 * The document of an event: decompressed up to the announced size only (a forged size cannot make the consumer
 * inflate more), then checked against size and SHA-256. Throws when the event does not hold what it announces.
 */
export function fromInlineDocument(doc: InlineDocument): Buffer {
  const raw = gunzipSync(Buffer.from(doc.gzip, 'base64'), {
    maxOutputLength: Math.min(doc.bytes, MAX_INLINE_DOCUMENT_BYTES),
  });
  if (raw.length !== doc.bytes || sha256Hex(raw) !== doc.sha256) {
    throw new Error(`inline document does not match its announced size (${doc.bytes} bytes) and SHA-256`);
  }
  return raw;
}
