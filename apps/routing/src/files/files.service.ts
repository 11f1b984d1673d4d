import { UrlSigner } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RoutingSettings } from '../common/settings';
import { FilesRepository, type StoredFile } from './files.repository';

/**
 * Short-lived signed URLs for routing's files (HMAC-SHA256 over id and expiry): whoever has the URL may
 * fetch the file until it expires, without a token — what accounts needs to copy a Bescheid once.
 */
@Injectable()
export class FilesService {
  private readonly signer: UrlSigner;

  constructor(
    private readonly repository: FilesRepository,
    private readonly settings: RoutingSettings,
  ) {
    this.signer = new UrlSigner(settings.fileUrlSecret);
  }

  signedUrl(id: string, now = Date.now()): { url: string; expiresAt: string } {
    const signed = this.signer.sign(
      this.settings.publicUrl(),
      id,
      this.settings.config.ROUTING_FILE_URL_TTL_SECONDS,
      new Date(now),
    );
    return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
  }

  verify(id: string, expires: string | undefined, signature: string | undefined, now = Date.now()): boolean {
    return this.signer.verify(id, expires, signature, new Date(now)) === 'valid';
  }

  find(id: string): Promise<StoredFile | undefined> {
    return this.repository.find(id);
  }

  /** Keeps a file of a reply, in the caller's transaction. */
  store(manager: EntityManager, f: StoredFile): Promise<void> {
    return this.repository.insert(manager, f);
  }

  /** The files of a reply, described (no contents). */
  ofReply(replyId: string): Promise<StoredFile[]> {
    return this.repository.ofReply(replyId);
  }

  /** Drops the contents of files older than `before`; how many. */
  purge(before: Date): Promise<number> {
    return this.repository.purge(before);
  }
}
