import { Injectable, Logger } from '@nestjs/common';
import { DeliverySignal } from '../common/delivery-signal';
import { DeliveryRepository } from './delivery.repository';

/**
 * The dependencies (a destination, the origin of attachments) whose failures this process scheduled
 * retries for. When one answers again, its waiting retries become due at once: a retry's backoff protects
 * a dependency that is away, and after an outage the backlog should not trickle out at each message's own
 * backoff (issue 20: 4 messages/s for minutes after a PostgreSQL restart).
 */
@Injectable()
export class DependencyRecovery {
  private readonly logger = new Logger('DependencyRecovery');
  private readonly failing = new Set<string>();

  constructor(
    private readonly messages: DeliveryRepository,
    private readonly signal: DeliverySignal,
  ) {}

  failed(dependency: string): void {
    this.failing.add(dependency);
  }

  /** The dependency answered; a statement only if retries were scheduled because it had not. */
  answered(dependency: string): void {
    if (!this.failing.delete(dependency)) return;
    this.messages.pullForward(dependency).then(
      (n) => {
        if (n === 0) return;
        this.logger.log(
          { dependency, messages: n },
          'dependency answers again; its waiting retries are due now',
        );
        this.signal.wake();
      },
      (err: unknown) => {
        this.failing.add(dependency);
        this.logger.warn({ dependency, err: (err as Error).message }, 'bringing retries forward failed');
      },
    );
  }
}
