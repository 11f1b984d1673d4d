import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The receiver's side of Amtsbote's push signature, written independently of routing's signer: HMAC-SHA512
 * over `<timestamp>.<body>` with the destination's secret, `x-amtsbote-signature: sha512=<hex>`, and the
 * timestamp (`x-amtsbote-timestamp`, unix seconds) at most five minutes away from the receiver's clock.
 */
export const PUSH_HEADERS = {
  timestamp: 'x-amtsbote-timestamp',
  signature: 'x-amtsbote-signature',
  messageId: 'x-amtsbote-message-id',
} as const;

export const MAX_SIGNATURE_AGE_SECONDS = 300;

export type SignatureVerdict = 'ok' | 'missing' | 'stale' | 'forged';

export function expectedSignature(secret: string, timestamp: string, body: Buffer): string {
  return `sha512=${createHmac('sha512', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export function checkSignature(
  secret: string,
  body: Buffer,
  timestamp: string | undefined,
  signature: string | undefined,
  nowMs: number = Date.now(),
): SignatureVerdict {
  if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return 'missing';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return 'stale';
  const expected = Buffer.from(expectedSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? 'ok' : 'forged';
}

/** Signs like routing does, for tests that play the sender. */
export function signForTest(secret: string, body: Buffer, timestampSeconds: number): Record<string, string> {
  const timestamp = String(timestampSeconds);
  return {
    [PUSH_HEADERS.timestamp]: timestamp,
    [PUSH_HEADERS.signature]: expectedSignature(secret, timestamp, body),
  };
}
