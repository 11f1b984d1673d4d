import { APP_CONFIG, FILE_STORE, type FileStore, Periodic } from '@amtsbote/platform';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { IntakeConfig } from '../config';
import { AnonymousQuotasRepository } from '../drafts/anonymous-quotas.repository';
import { DraftsRepository } from '../drafts/drafts.repository';
import { MaintenanceRepository } from './maintenance.repository';

const BATCH = 200;
const DAY_MS = 24 * 3600 * 1000;

export interface MaintenanceReport {
  purgedSubmissions: number;
  deletedDrafts: number;
  deletedIdempotencyKeys: number;
  deletedRateCounters: number;
}

/**
 * Data minimisation and housekeeping, run periodically (one replica at a time): form data and attachments of
 * submissions the Fachverfahren confirmed (or that ended without reaching one) are purged after
 * INTAKE_PURGE_AFTER_DAYS; expired drafts disappear with their files; old idempotency keys and the
 * counters of past hours (anonymous drafts per client) are dropped.
 */
@Injectable()
export class MaintenanceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private worker?: Periodic;

  constructor(
    private readonly repository: MaintenanceRepository,
    private readonly drafts: DraftsRepository,
    private readonly quotas: AnonymousQuotasRepository,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(APP_CONFIG) private readonly config: IntakeConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.INTAKE_MAINTENANCE_INTERVAL_SECONDS;
    if (seconds === 0) return;
    this.worker = new Periodic(
      'maintenance',
      seconds * 1000,
      async () => {
        await this.runOnce();
      },
      this.logger,
    );
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  /** One full pass; `now` is for tests. Returns what it did (nothing when another replica holds the lock). */
  async runOnce(now: Date = new Date()): Promise<MaintenanceReport> {
    const report = await this.repository.exclusively(async () => ({
      purgedSubmissions: await this.purge(now),
      deletedDrafts: await this.sweepDrafts(),
      deletedIdempotencyKeys: await this.repository.deleteIdempotencyKeysBefore(
        new Date(now.getTime() - this.config.INTAKE_IDEMPOTENCY_TTL_HOURS * 3600 * 1000),
      ),
      deletedRateCounters: await this.quotas.counter.prune(DAY_MS / 1000),
    }));
    const done = report ?? {
      purgedSubmissions: 0,
      deletedDrafts: 0,
      deletedIdempotencyKeys: 0,
      deletedRateCounters: 0,
    };
    if (done.purgedSubmissions + done.deletedDrafts > 0) this.logger.log(done, 'maintenance done');
    return done;
  }

  private async purge(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.INTAKE_PURGE_AFTER_DAYS * DAY_MS);
    let total = 0;
    for (;;) {
      const ids = await this.repository.purgeCandidates(cutoff, BATCH);
      if (ids.length === 0) return total;
      // Files first: if this run dies half-way, the rows are still candidates and the next run finishes.
      for (const key of await this.repository.attachmentKeysOf(ids)) await this.store.delete(key);
      await this.repository.markPurged(ids);
      total += ids.length;
      if (ids.length < BATCH) return total;
    }
  }

  private async sweepDrafts(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.drafts.expiredIds(BATCH);
      if (ids.length === 0) return total;
      const keys = await this.drafts.transaction((m) => this.drafts.deleteWithAttachments(m, ids));
      for (const key of keys) await this.store.delete(key);
      total += ids.length;
      if (ids.length < BATCH) return total;
    }
  }
}
