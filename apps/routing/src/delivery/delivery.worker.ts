import { setMaxListeners } from 'node:events';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';

/**
 * Polls due messages (`FOR UPDATE SKIP LOCKED`, so replicas share the work) and processes them with bounded
 * concurrency. It sleeps while nothing is due and wakes when a slot frees up; no busy loop, and a slow or
 * failing Fachverfahren only delays its own messages (each retry is a scheduled row, not a blocked queue).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private wake?: () => void;
  private stopping = false;

  constructor(
    private readonly messages: DeliveryRepository,
    private readonly delivery: DeliveryService,
    private readonly settings: RoutingSettings,
  ) {
    // Every in-flight delivery listens on the shutdown signal (fetch, attachment downloads).
    setMaxListeners(4 * settings.config.ROUTING_DELIVERY_CONCURRENCY + 10, this.abort.signal);
  }

  onApplicationBootstrap(): void {
    if (!this.settings.config.ROUTING_WORKER_ENABLED) return;
    this.loop = this.run();
  }

  private get leaseMs(): number {
    const c = this.settings.config;
    return Math.max(c.ROUTING_PUSH_TIMEOUT_MS, c.ROUTING_ATTACHMENT_FETCH_TIMEOUT_MS) + 30_000;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    const c = this.settings.config;
    while (!this.stopping) {
      const free = c.ROUTING_DELIVERY_CONCURRENCY - this.inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const due = await this.messages.claimDue(Math.min(free, c.ROUTING_DELIVERY_BATCH), this.leaseMs);
          claimed = due.length;
          for (const claim of due) {
            const task: Promise<void> = this.delivery
              .process(claim, this.abort.signal)
              .catch((err: unknown) =>
                this.logger.error(
                  { messageId: claim.id, err: (err as Error).message },
                  'delivery step failed',
                ),
              )
              .finally(() => {
                this.inFlight.delete(task);
                this.wake?.();
              });
            this.inFlight.add(task);
          }
        } catch (err) {
          if (!this.stopping)
            this.logger.warn({ err: (err as Error).message }, 'claiming due messages failed');
        }
      }
      if (this.stopping) break;
      // Poll again at once when the batch was full and slots are free; otherwise sleep until a slot frees
      // up or the poll interval passes.
      if (claimed === 0 || this.inFlight.size >= c.ROUTING_DELIVERY_CONCURRENCY)
        await this.sleep(c.ROUTING_DELIVERY_POLL_MS);
    }
  }

  /** Stops claiming, aborts in-flight pushes (they become due again at once) and waits for the steps to end. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 5000))]);
  }
}
