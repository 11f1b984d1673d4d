import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

export type Verdict = 'valid' | 'expired' | 'invalid';

/**
 * Short-lived download URLs through which another service fetches a file once, without a token
 * (`fileReference.url` in events): HMAC-SHA256 over `<fileId>.<expires>` with the owning service's
 * secret. Only the owner can make them; changing the id or the expiry breaks the signature.
 */
export class UrlSigner {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('the download URL secret must have at least 32 characters');
  }

  private mac(fileId: string, expires: number): Buffer {
    return createHmac('sha256', this.secret).update(`${fileId}.${expires}`).digest();
  }

  sign(baseUrl: string, fileId: string, ttlSeconds: number, now: Date = new Date()): SignedUrl {
    const expires = Math.floor(now.getTime() / 1000) + ttlSeconds;
    const signature = this.mac(fileId, expires).toString('base64url');
    const url = `${baseUrl.replace(/\/+$/, '')}/files/${encodeURIComponent(fileId)}?expires=${expires}&signature=${signature}`;
    return { url, expiresAt: new Date(expires * 1000) };
  }

  verify(
    fileId: string,
    expires: string | undefined,
    signature: string | undefined,
    now: Date = new Date(),
  ): Verdict {
    if (expires === undefined || signature === undefined || !/^\d{1,12}$/.test(expires)) return 'invalid';
    const expected = this.mac(fileId, Number(expires));
    let given: Buffer;
    try {
      given = Buffer.from(signature, 'base64url');
    } catch {
      return 'invalid';
    }
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    // Checked after the signature, so an attacker learns nothing from the expiry answer.
    return Number(expires) * 1000 <= now.getTime() ? 'expired' : 'valid';
  }
}
