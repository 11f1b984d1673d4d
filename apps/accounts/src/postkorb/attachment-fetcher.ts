import { Readable } from 'node:stream';
import { APP_CONFIG, FILE_STORE, type FileStore, FileTooLargeError, Periodic } from '@amtsbote/platform';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AccountsConfig } from '../config';
import { FileFetchesRepository } from './file-fetches.repository';
import type { FileRecord } from './postkorb.records';

class PermanentFetchError extends Error {}

/**
 * Fetches an authority's attachments once through the signed URL of the routing event, checks size and
 * SHA-512 and keeps accounts' own copy. Failures are retried until the URL expires; then the attachment is
 * marked failed (the message itself is there all along).
 */
@Injectable()
export class AttachmentFetcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AttachmentFetcher');
  private readonly worker: Periodic;

  constructor(
    private readonly repository: FileFetchesRepository,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {
    this.worker = new Periodic(
      'attachment fetcher',
      config.ACCOUNTS_WORKER_INTERVAL_MS,
      () => this.fetchDue(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  async fetchDue(): Promise<void> {
    for (;;) {
      const claimed = await this.repository.transaction((manager) =>
        this.repository.claimFetches(manager, 5),
      );
      for (const file of claimed) await this.fetchOne(file);
      if (claimed.length < 5) return;
    }
  }

  private async fetchOne(file: FileRecord): Promise<void> {
    try {
      if (!file.sourceUrl) throw new PermanentFetchError('no source URL');
      if (file.size > this.config.ACCOUNTS_ATTACHMENT_MAX_BYTES) {
        throw new PermanentFetchError(`declared size ${file.size} exceeds ACCOUNTS_ATTACHMENT_MAX_BYTES`);
      }
      const response = await fetch(file.sourceUrl, {
        signal: AbortSignal.timeout(120_000),
        redirect: 'error',
      });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const source = Readable.fromWeb(response.body);
      let stored;
      try {
        stored = await this.store.put(file.id, source, { maxBytes: file.size, mediaType: file.mediaType });
      } catch (err) {
        source.destroy();
        if (err instanceof FileTooLargeError) throw new Error('more bytes than the declared size');
        throw err;
      }
      if (stored.size !== file.size || stored.sha512 !== file.sha512) {
        await this.store.delete(file.id);
        throw new Error(
          `content does not match the declared ${stored.size === file.size ? 'SHA-512' : 'size'}`,
        );
      }
      await this.repository.markStored(file.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const backoffMs = Math.min(5000 * 2 ** Math.max(0, file.attempts - 1), 300_000);
      const retryAt = new Date(Date.now() + backoffMs);
      const expired = !file.sourceExpiresAt || retryAt >= file.sourceExpiresAt;
      const giveUp = err instanceof PermanentFetchError || expired;
      this.logger.warn(
        { fileId: file.id, attempt: file.attempts, err: message, giveUp },
        'fetching an attachment failed',
      );
      await this.repository.markFetchFailed(file.id, message, giveUp ? null : retryAt);
    }
  }
}
