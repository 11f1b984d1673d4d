import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived, HMAC-signed download links for files accounts hands to other services (a reply's
 * attachments for routing): `<base>/files/<id>?expires=<unix seconds>&signature=<hex>`.
 */
export class UrlSigner {
  constructor(private readonly secret: string | Buffer) {}

  private mac(fileId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`accounts-file.${fileId}.${expires}`).digest('hex');
  }

  sign(baseUrl: string, fileId: string, expiresAt: Date): string {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const url = new URL(
      `files/${encodeURIComponent(fileId)}`,
      baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    );
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', this.mac(fileId, expires));
    return url.toString();
  }

  /** True only for an unexpired link with a signature this signer made for exactly this file. */
  verify(
    fileId: string,
    expires: string | undefined,
    signature: string | undefined,
    now = new Date(),
  ): boolean {
    if (expires === undefined || signature === undefined || !/^\d{1,12}$/.test(expires)) return false;
    if (!/^[0-9a-f]{64}$/.test(signature)) return false;
    const seconds = Number(expires);
    if (seconds * 1000 <= now.getTime()) return false;
    const expected = Buffer.from(this.mac(fileId, seconds), 'hex');
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
  }
}
