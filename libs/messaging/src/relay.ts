import { createHash } from 'node:crypto';
import { preparedQuery } from '@amtsbote/platform';
import { Logger } from '@nestjs/common';
import type { Producer, TopicMessages } from 'kafkajs';
import { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { type CloudEvent, toKafkaMessage } from './envelope';
import type { OutboxSignal } from './outbox';
import { metric } from './metrics';

export interface RelayOptions {
  schema: string;
  /** Most events per batch. */
  batchSize?: number;
  /**
   * Most bytes of event data per batch (default 512 KiB): every partition's record batch stays below the
   * broker's `message.max.bytes` (1 MiB by default), which would otherwise refuse the batch again and again.
   */
  batchBytes?: number;
  /**
   * Poll interval for events written by other replicas (default 1000 ms; this process's writes wake the relay
   * at once, when they commit). An idle poll is one cheap statement.
   */
  pollIntervalMs?: number;
  /** Wakes the relay when this process wrote events (others are found by polling). */
  signal?: OutboxSignal;
  topicPrefix?: string;
  /**
   * After a wake-up, wait this long so commits arriving together are published in one batch. Default 0:
   * only the commits of the same event-loop turn are taken together. Under load the relay runs batch after
   * batch without waiting (what arrived during one is the next), so a linger only ever delayed the single
   * events of a quiet system — 5 ms on each of the three relay hops of a journey.
   */
  lingerMs?: number;
  /** Fault injection for tests: runs after Kafka acknowledged a batch and before the rows are marked. */
  afterPublish?: (ids: string[]) => Promise<void> | void;
}

interface Row {
  id: string;
  seq: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject: string;
  tenant: string | null;
  traceparent: string | null;
  /** The JSON body as stored, passed through without parsing. */
  data: string;
  time: Date;
}

/** What a record's key and CloudEvents headers add to its data, roughly. */
const HEADER_BYTES = 400;

const published = (): Counter<'schema'> =>
  metric(
    'amtsbote_outbox_published_total',
    () =>
      new Counter({
        name: 'amtsbote_outbox_published_total',
        help: 'Events relayed',
        labelNames: ['schema'],
      }),
  );
const failures = (): Counter<'schema'> =>
  metric(
    'amtsbote_outbox_relay_failures_total',
    () =>
      new Counter({
        name: 'amtsbote_outbox_relay_failures_total',
        help: 'Relay iterations that failed (broker or database away)',
        labelNames: ['schema'],
      }),
  );

/**
 * Publishes outbox rows in commit order with the idempotent producer (acks=all). Several replicas may
 * run it: a transaction-scoped advisory lock lets exactly one publish at a time, which keeps each key's
 * order. A crash between publish and marking re-publishes the same event ids; consumers drop them.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly batchSize: number;
  private readonly batchBytes: number;
  private readonly pollIntervalMs: number;
  private readonly lockKey: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private unsubscribe?: () => void;
  /** Events were committed since the last batch began: look again before sleeping. */
  private pending = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly options: RelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.batchBytes = options.batchBytes ?? 512 * 1024;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    // pg advisory locks take a bigint; derive a stable one per schema.
    this.lockKey = BigInt.asIntN(
      64,
      BigInt('0x' + createHash('sha256').update(`outbox:${options.schema}`).digest('hex').slice(0, 16)),
    ).toString();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.signal?.subscribe(() => {
      this.pending = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.unsubscribe?.();
  }

  private async run(): Promise<void> {
    let backoff = 0;
    // Whether to take a batch at once (woken, or more rows wait) or to look cheaply first (a poll).
    let look = true;
    while (this.running) {
      let batch = { published: 0, more: false, locked: true };
      try {
        const woken = this.pending;
        this.pending = false;
        if (woken || look || (await this.anyWaiting())) batch = await this.publishBatch();
        backoff = 0;
      } catch (err) {
        failures().inc({ schema: this.options.schema });
        // Capped low: after an outage the backlog should move again within moments of the dependency's return.
        backoff = Math.min(backoff ? backoff * 2 : 250, 2000);
        this.logger.warn({ err: (err as Error).message }, `outbox relay failed, retrying in ${backoff} ms`);
      }
      if (!this.running) break;
      look = false;
      if (backoff === 0 && (batch.more || this.pending)) continue;
      // Another replica is publishing: its batch may not include our newest rows, so look again soon.
      const wait = backoff || (batch.locked ? this.pollIntervalMs : 50);
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = undefined;
      look = !batch.locked || backoff > 0;
      const linger = this.options.lingerMs ?? 0;
      if (woken && this.running) {
        await new Promise((r) => (linger > 0 ? setTimeout(r, linger) : setImmediate(r)));
      }
    }
  }

  /** The idle poll: one statement, no transaction. */
  private async anyWaiting(): Promise<boolean> {
    const rows = await preparedQuery<{ waiting: boolean }>(
      this.dataSource.manager,
      `outbox-waiting-${this.options.schema}`,
      `SELECT EXISTS (SELECT 1 FROM "${this.options.schema}".outbox) AS waiting`,
      [],
    );
    return rows[0]?.waiting === true;
  }

  /** Publishes one batch; returns how many events it published (0 when another replica holds the lock). */
  async runOnce(): Promise<number> {
    return (await this.publishBatch()).published;
  }

  /**
   * One batch: BEGIN, one statement that takes the advisory lock and the rows, publish, COMMIT. `more` when
   * a limit cut it short and rows are waiting; `locked` false when another replica holds the lock.
   */
  private async publishBatch(): Promise<{ published: number; more: boolean; locked: boolean }> {
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      const s = `"${this.options.schema}"`;
      // Taken out in the same transaction that publishes them: if Kafka or this process fails before
      // COMMIT, the rows come back and are published again (same event ids; consumers drop copies).
      // The oldest rows up to the count and byte limits (the first row always, whatever its size), and
      // whether rows were left out for the byte limit; no rows unless this transaction got the lock (the
      // lock CTE is referenced twice, so it is evaluated once, before the rows are read).
      const result = await preparedQuery<Partial<Row> & { locked: boolean; candidates: number }>(
        qr.manager,
        `outbox-relay-${this.options.schema}`,
        `WITH lock AS (
           SELECT pg_try_advisory_xact_lock($3::bigint) AS locked
         ), head AS (
           SELECT id, seq, octet_length(data::text) + ${HEADER_BYTES} AS bytes
           FROM ${s}.outbox WHERE (SELECT locked FROM lock) ORDER BY seq LIMIT $1
         ), candidates AS (
           SELECT id, sum(bytes) OVER (ORDER BY seq) - bytes AS before FROM head
         ), taken AS (
           DELETE FROM ${s}.outbox WHERE id IN (SELECT id FROM candidates WHERE before < $2)
           RETURNING id, seq, topic, key, type, source, subject, tenant, traceparent, data::text AS data, time
         )
         SELECT lock.locked, (SELECT count(*) FROM candidates)::int AS candidates, taken.*
         FROM lock LEFT JOIN taken ON true`,
        [this.batchSize, this.batchBytes, this.lockKey],
      );
      const locked = result[0]?.locked === true;
      const rows = result.filter((r): r is Row & { locked: boolean; candidates: number } => r.id != null);
      const more = rows.length > 0 && (rows[0].candidates > rows.length || rows.length >= this.batchSize);
      rows.sort((a, b) => Number(a.seq) - Number(b.seq));
      if (rows.length === 0) {
        await qr.commitTransaction();
        return { published: 0, more: false, locked };
      }
      const byTopic = new Map<string, TopicMessages>();
      for (const r of rows) {
        const event: CloudEvent<null> = {
          id: r.id,
          type: r.type,
          source: r.source,
          specversion: '1.0',
          time: new Date(r.time).toISOString(),
          subject: r.subject,
          datacontenttype: 'application/json',
          tenant: r.tenant ?? undefined,
          traceparent: r.traceparent ?? undefined,
          data: null,
        };
        const topic = (this.options.topicPrefix ?? '') + r.topic;
        const entry = byTopic.get(topic) ?? { topic, messages: [] };
        entry.messages.push({ ...toKafkaMessage(event, r.key), value: r.data });
        byTopic.set(topic, entry);
      }
      await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      const ids = rows.map((r) => r.id);
      await this.options.afterPublish?.(ids);
      await qr.commitTransaction();
      published().inc({ schema: this.options.schema }, rows.length);
      return { published: rows.length, more, locked };
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }
}
