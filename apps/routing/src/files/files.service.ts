import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import { FilesRepository, type StoredFile } from './files.repository';

/**
 * Short-lived signed URLs for routing's files (HMAC-SHA256 over id and expiry): whoever has the URL may
 * fetch the file until it expires, without a token — what accounts needs to copy a Bescheid once.
 */
@Injectable()
export class FilesService {
  constructor(
    private readonly repository: FilesRepository,
    private readonly settings: RoutingSettings,
  ) {}

  private signature(id: string, expires: number): string {
    return createHmac('sha256', this.settings.fileUrlSecret).update(`${id}.${expires}`).digest('base64url');
  }

  signedUrl(id: string, now = Date.now()): { url: string; expiresAt: string } {
    const expires = Math.floor(now / 1000) + this.settings.config.ROUTING_FILE_URL_TTL_SECONDS;
    return {
      url: `${this.settings.publicUrl()}/files/${id}?expires=${expires}&signature=${this.signature(id, expires)}`,
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  verify(id: string, expires: string | undefined, signature: string | undefined, now = Date.now()): boolean {
    const exp = Number(expires);
    if (!Number.isInteger(exp) || exp < now / 1000 || signature === undefined) return false;
    const expected = Buffer.from(this.signature(id, exp));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  find(id: string): Promise<StoredFile | undefined> {
    return this.repository.find(id);
  }
}
