import { APP_CONFIG, FILE_STORE, type FileStore, Periodic } from '@amtsbote/platform';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AccountsConfig } from '../config';
import { NotificationsService } from '../notifications/notifications.service';
import { PostkorbPurgeRepository } from './postkorb-purge.repository';

/**
 * Purges what is deleted or no longer needed: soft-deleted messages, stale uploads, old notifications (the
 * projection purges its parked events itself: ProjectionsMaintenance).
 */
@Injectable()
export class PostkorbMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PostkorbMaintenance');
  private readonly worker: Periodic;

  constructor(
    private readonly postkorb: PostkorbPurgeRepository,
    private readonly notifications: NotificationsService,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {
    this.worker = new Periodic(
      'Postkorb purge',
      config.ACCOUNTS_PURGE_INTERVAL_MS,
      () => this.purge(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  async purge(): Promise<void> {
    const fileIds = [
      ...(await this.postkorb.purgeDeleted(this.config.ACCOUNTS_PURGE_DELETED_AFTER_DAYS)),
      ...(await this.postkorb.purgeUnattachedUploads(this.config.ACCOUNTS_UPLOAD_RETENTION_HOURS)),
    ];
    for (const id of fileIds) await this.store.delete(id);
    await this.notifications.purgeFinished(30);
    if (fileIds.length > 0) this.logger.log(`purged ${fileIds.length} files`);
  }
}
