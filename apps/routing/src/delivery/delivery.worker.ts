import { setMaxListeners } from 'node:events';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DeliverySignal } from '../common/delivery-signal';
import { RoutingSettings } from '../common/settings';
import { type Claim, DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';

/**
 * Claims due messages (`FOR UPDATE SKIP LOCKED`, so replicas share the work) and processes them with bounded
 * concurrency. It sleeps while nothing is due and wakes when a slot frees up or this process made messages
 * due (`DeliverySignal`: a submission taken in, a dead letter redelivered); the poll interval only matters for
 * retries coming due and other replicas' work. No busy loop, and a slow or failing Fachverfahren only delays
 * its own messages (each retry is a scheduled row, not a blocked queue).
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Work was signalled since the last claim began: claim again before sleeping. */
  private woken = false;
  /** Sleeping because every slot is taken. */
  private full = false;
  private unsubscribe?: () => void;
  private stopping = false;

  constructor(
    private readonly messages: DeliveryRepository,
    private readonly delivery: DeliveryService,
    private readonly settings: RoutingSettings,
    private readonly signal: DeliverySignal,
  ) {
    // Every in-flight delivery listens on the shutdown signal (fetch, attachment downloads).
    setMaxListeners(4 * settings.config.ROUTING_DELIVERY_CONCURRENCY + 10, this.abort.signal);
  }

  onApplicationBootstrap(): void {
    if (!this.settings.config.ROUTING_WORKER_ENABLED) return;
    this.unsubscribe = this.signal.subscribe(() => this.poke());
    this.loop = this.run();
  }

  private poke(): void {
    this.woken = true;
    this.wake?.();
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
      // Whether everything due was claimed (fewer came back than asked for, or claiming failed).
      let drained = true;
      if (free > 0) {
        try {
          this.woken = false;
          const asked = Math.min(free, c.ROUTING_DELIVERY_BATCH);
          const due = await this.messages.claimDue(asked, this.settings.leaseMs);
          drained = due.length < asked;
          // The database answers again: steps it failed hand their messages back.
          await this.delivery.releaseOrphans();
          for (const claim of due) this.start(claim);
        } catch (err) {
          if (!this.stopping)
            this.logger.warn({ err: (err as Error).message }, 'claiming due messages failed');
        }
      }
      if (this.stopping) break;
      // Claim again at once while more is due and slots are free, or when work was signalled meanwhile;
      // otherwise sleep until a slot frees up (when full), work is signalled or the poll interval passes.
      if (this.inFlight.size >= c.ROUTING_DELIVERY_CONCURRENCY) {
        this.full = true;
        await this.sleep(c.ROUTING_DELIVERY_POLL_MS);
        this.full = false;
      } else if (drained && !this.woken) {
        await this.sleep(c.ROUTING_DELIVERY_POLL_MS);
      }
    }
  }

  private start(claim: Claim): void {
    const task: Promise<void> = this.delivery
      .process(claim, this.abort.signal)
      .catch((err: unknown) =>
        this.logger.error({ messageId: claim.m.id, err: (err as Error).message }, 'delivery step failed'),
      )
      .finally(() => {
        this.inFlight.delete(task);
        // A finished step frees a slot; only a worker waiting for one needs to hear of it.
        if (this.full) this.wake?.();
      });
    this.inFlight.add(task);
  }

  /** Stops claiming, aborts in-flight pushes (they become due again at once) and waits for the steps to end. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 5000))]);
  }
}
