import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A bearer secret for anonymous access (receipt token, draft token): 256 random bits, base64url. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only the SHA-256 of such a token is stored. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token against a stored hash. */
export function tokenMatches(presented: string | undefined, storedSha256: string | null): boolean {
  if (presented === undefined || presented === '' || storedSha256 === null) return false;
  const a = Buffer.from(tokenSha256(presented), 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
