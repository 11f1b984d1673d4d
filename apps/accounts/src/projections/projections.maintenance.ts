import { APP_CONFIG, Periodic } from '@amtsbote/platform';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { AccountsConfig } from '../config';
import { ProjectionsRepository } from './projections.repository';

/** Drops parked events whose submission never became known (ACCOUNTS_PENDING_EVENT_RETENTION_DAYS). */
@Injectable()
export class ProjectionsMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ProjectionsMaintenance');
  private readonly worker: Periodic;

  constructor(
    private readonly projections: ProjectionsRepository,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {
    this.worker = new Periodic(
      'parked events purge',
      config.ACCOUNTS_PURGE_INTERVAL_MS,
      () => this.projections.purgeParked(this.config.ACCOUNTS_PENDING_EVENT_RETENTION_DAYS),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}
