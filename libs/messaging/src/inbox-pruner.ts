import { Periodic, preparedQuery } from '@amtsbote/platform';
import { Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { metric } from './metrics';

export interface InboxPrunerOptions {
  /** The app's PostgreSQL schema holding its inbox table. */
  schema: string;
  /**
   * How long a handled event id is remembered. A copy of an event can only arrive while Kafka still holds
   * it, so this must exceed the topics' retention (and the consumer offsets' retention).
   */
  retentionMs: number;
  /** Time between runs (default 1 h). */
  intervalMs?: number;
  /** Rows per DELETE, so one run never holds many locks or one long transaction (default 5000). */
  batchSize?: number;
}

const pruned = (): Counter<'schema'> =>
  metric(
    'amtsbote_inbox_pruned_total',
    () =>
      new Counter({
        name: 'amtsbote_inbox_pruned_total',
        help: 'Handled-event records removed from the inbox after their retention',
        labelNames: ['schema'],
      }),
  );

/**
 * Keeps the inbox from growing for ever: removes the records of events handled longer ago than the
 * retention. Replicas may run it at once (rows being deleted by one are skipped by the others).
 */
export class InboxPruner {
  private readonly logger = new Logger('InboxPruner');
  private readonly worker: Periodic;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: InboxPrunerOptions,
  ) {
    this.worker = new Periodic(
      'inbox pruning',
      options.intervalMs ?? 3_600_000,
      async () => {
        const n = await this.pruneOnce();
        if (n > 0) this.logger.log(`removed ${n} inbox record(s) past the retention`);
      },
      this.logger,
    );
  }

  /** The first run comes soon after start, jittered so replicas started together spread out. */
  start(): void {
    this.stopped = false;
    this.worker.start(30_000 + Math.random() * 30_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.stop();
  }

  /** Removes the records handled before `now` minus the retention; returns how many. */
  async pruneOnce(now: Date = new Date()): Promise<number> {
    const s = `"${this.options.schema}"`;
    const cutoff = new Date(now.getTime() - this.options.retentionMs);
    const batch = this.options.batchSize ?? 5000;
    let total = 0;
    for (;;) {
      const rows = await preparedQuery<{ one: number }>(
        this.dataSource.manager,
        `inbox-prune-${this.options.schema}`,
        `WITH old AS (
           SELECT consumer_group, event_id FROM ${s}.inbox WHERE handled_at < $1
           ORDER BY handled_at LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         DELETE FROM ${s}.inbox i USING old
         WHERE i.consumer_group = old.consumer_group AND i.event_id = old.event_id
         RETURNING 1 AS one`,
        [cutoff, batch],
      );
      total += rows.length;
      pruned().inc({ schema: this.options.schema }, rows.length);
      if (rows.length < batch || this.stopped) return total;
    }
  }
}
