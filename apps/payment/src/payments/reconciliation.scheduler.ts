import { APP_CONFIG, Periodic } from '@amtsbote/platform';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { PaymentConfig } from '../config';
import { ConfirmationService } from './confirmation.service';
import { PaymentsRepository } from './payments.repository';

/** Provider queries running at once during a round (small: providers rate-limit). */
const CONCURRENCY = 4;

export interface ReconcileRound {
  checked: number;
  failedChecks: number;
}

/**
 * Asks the provider about every transaction still INITIAL, every PAYMENT_RECONCILE_INTERVAL_SECONDS: a
 * lost notification or a citizen who never returned still ends in the right state, and unpaid transactions
 * expire at their deadline. One replica at a time (advisory lock).
 */
@Injectable()
export class ReconciliationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PaymentReconciliation');
  private readonly worker: Periodic;
  /** Ends a round early at shutdown. */
  private stopped = false;

  constructor(
    private readonly repo: PaymentsRepository,
    private readonly confirmation: ConfirmationService,
    @Inject(APP_CONFIG) private readonly config: PaymentConfig,
  ) {
    this.worker = new Periodic(
      'reconciliation round',
      config.PAYMENT_RECONCILE_INTERVAL_SECONDS * 1000,
      async () => {
        await this.runOnce();
      },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.worker.stop();
  }

  /** One round; undefined when another replica holds the lock. */
  runOnce(): Promise<ReconcileRound | undefined> {
    return this.repo.withReconcileLock(async () => {
      const ids = await this.repo.dueForReconciliation(this.config.PAYMENT_RECONCILE_BATCH_SIZE);
      let failedChecks = 0;
      const queue = [...ids];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined && !this.stopped; id = queue.shift()) {
          await this.confirmation.check(id, 'reconcile').catch(() => {
            failedChecks += 1;
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
      if (ids.length > 0) this.logger.log({ checked: ids.length, failedChecks }, 'reconciliation round done');
      return { checked: ids.length, failedChecks };
    });
  }
}
