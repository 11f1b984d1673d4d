import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Push deliveries and callbacks are signed with HMAC-SHA512 over `<timestamp>.<body>` with the
 * destination's secret. Receivers recompute it and refuse timestamps older than five minutes.
 */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-amtsbote-timestamp',
  signature: 'x-amtsbote-signature',
  messageId: 'x-amtsbote-message-id',
  attempt: 'x-amtsbote-delivery-attempt',
} as const;

export const SIGNATURE_MAX_AGE_SECONDS = 300;

export function signBody(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha512', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** Headers of a signed request: unix seconds and `sha512=<hex>`. */
export function signatureHeaders(
  secret: string,
  body: Buffer | string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.signature]: `sha512=${signBody(secret, timestamp, body)}`,
  };
}

export function verifySignature(
  secret: string,
  body: Buffer | string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  now = Date.now(),
): 'ok' | 'missing' | 'stale' | 'mismatch' {
  if (timestampHeader === undefined || signatureHeader === undefined) return 'missing';
  const timestamp = Number(timestampHeader);
  if (!Number.isInteger(timestamp)) return 'missing';
  if (Math.abs(now / 1000 - timestamp) > SIGNATURE_MAX_AGE_SECONDS) return 'stale';
  const expected = Buffer.from(`sha512=${signBody(secret, timestamp, body)}`);
  const given = Buffer.from(signatureHeader);
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'mismatch';
}

/** A fresh HMAC secret for a destination (256 bits). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
