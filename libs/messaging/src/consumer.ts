import { type EventContract, retryTopic } from '@amtsbote/contracts';
import { isTransientInfrastructureError, preparedQuery } from '@amtsbote/platform';
import { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Counter } from 'prom-client';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { type CloudEvent, EnvelopeError, fromKafkaMessage } from './envelope';
import { countRequests } from './kafka';
import { metric } from './metrics';
import { errorText, type FailedRecord, RetryRouter, retryState } from './retries';

export interface HandlerContext {
  /** The transaction the inbox row commits in: do the handler's effect (and outbox writes) through it. */
  manager: EntityManager;
  /** 0 for the first delivery, n on the n-th retry. */
  attempt: number;
  topic: string;
  /**
   * Runs `fn` once the transaction committed (not if it rolls back): e.g. wakes a worker of this process that
   * acts on what the handler wrote, which would not see it before the commit.
   */
  afterCommit(fn: () => void): void;
}

export type EventHandlerFn<T = unknown> = (event: CloudEvent<T>, ctx: HandlerContext) => Promise<void>;

/** Handles consecutive events of one chunk (same topic and attempt) in one call, in their order. */
export type EventBatchHandlerFn = (events: CloudEvent[], ctx: HandlerContext) => Promise<void>;

export type RegisteredHandler =
  | { contract: EventContract; handle: EventHandlerFn; handleBatch?: undefined }
  | { contract: EventContract; handleBatch: EventBatchHandlerFn; handle?: undefined };

export interface ConsumerOptions {
  groupId: string;
  /** The app's PostgreSQL schema holding its inbox table. */
  schema: string;
  /** Service name written into dead-letter provenance. */
  service: string;
  /** Main topics; their retry topics are subscribed too. */
  topics: string[];
  /** Delay before each retry; their count bounds the retries before the dead-letter topic. */
  retryDelaysMs: number[];
  handlers: Map<string, RegisteredHandler>;
  /** Back-off while the database is away (the message is not retried, it waits). */
  infrastructureBackoffMs?: number;
  /** Default 10 s (see `KAFKA_CONSUMER_SESSION_TIMEOUT_MS`). */
  sessionTimeoutMs?: number;
  /** Longest a fetch waits at the broker for new events; default 500 ms. */
  maxWaitMs?: number;
  /**
   * Offsets are committed at most this often and when the consumer stops (default 1000 ms; 0 after every
   * chunk). What a crash or rebalance leaves uncommitted is delivered again and dropped by the inbox.
   */
  commitIntervalMs?: number;
  /** Fault injection for tests: runs after a chunk's transaction committed and before offsets are committed. */
  afterCommit?: (eventIds: string[]) => Promise<void> | void;
}

type Prepared =
  | { kind: 'skip'; offset: string }
  | ({ kind: 'dead'; offset: string; reason: string } & FailedRecord)
  | { kind: 'wait'; offset: string; dueAt: number }
  | {
      kind: 'handle';
      offset: string;
      message: KafkaMessage;
      event: CloudEvent;
      handler: RegisteredHandler;
      attempt: number;
      originalTopic: string;
    };

type Handleable = Extract<Prepared, { kind: 'handle' }>;

const counters = () => ({
  handled: metric(
    'amtsbote_events_handled_total',
    () =>
      new Counter({
        name: 'amtsbote_events_handled_total',
        help: 'Events handled by consumers',
        labelNames: ['group', 'type'],
      }),
  ),
  duplicates: metric(
    'amtsbote_events_duplicate_total',
    () =>
      new Counter({
        name: 'amtsbote_events_duplicate_total',
        help: 'Events dropped by the inbox as already handled',
        labelNames: ['group'],
      }),
  ),
});

/**
 * Consumes a group's topics with an inbox: each event's effect commits in one transaction with its inbox
 * row, offsets are committed afterwards (at-least-once delivery, exactly-once effect). A failing event
 * goes to `<topic>.retry.<n>` after a delay and finally to `<topic>.dlt`, so it never blocks its partition.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private consumer?: Consumer;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private joined = false;
  private readonly c = counters();
  private readonly failures: RetryRouter;
  /** Next offset to read per `topic:partition`, for the commit at stop. */
  private readonly resolved = new Map<string, { topic: string; partition: number; offset: string }>();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly dataSource: DataSource,
    private readonly options: ConsumerOptions,
  ) {
    this.logger = new Logger(`EventConsumer(${options.groupId})`);
    this.failures = new RetryRouter(producer, options);
  }

  get isJoined(): boolean {
    return this.joined;
  }

  subscribedTopics(): string[] {
    const out: string[] = [];
    for (const t of this.options.topics) {
      out.push(t);
      for (let i = 1; i <= this.options.retryDelaysMs.length; i++) out.push(retryTopic(t, i));
    }
    return out;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: this.options.maxWaitMs ?? 500,
      // Keeps trying through a broker outage, never more than a second apart: back at once when it is.
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 1000 },
    });
    this.consumer = consumer;
    countRequests(consumer, 'consumer');
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      // A new assignment starts from the committed offsets; what this member resolved before is not its own.
      this.resolved.clear();
    });
    consumer.on(consumer.events.CRASH, (e) => {
      this.joined = false;
      this.logger.warn({ err: errorText(e.payload.error), restart: e.payload.restart }, 'consumer crashed');
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.joined = false;
    });
    consumer.on(consumer.events.STOP, () => {
      this.joined = false;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.subscribedTopics(), fromBeginning: true });
    await consumer.run({
      // kafkajs's auto-commit sends an OffsetCommit after every batch — at low rates one per event and
      // consumer, the broker's largest cost per journey. Offsets go out on an interval instead
      // (commitOffsetsIfNecessary in flush) and at stop; the inbox makes a replay after a crash harmless.
      autoCommit: false,
      autoCommitInterval: this.options.commitIntervalMs ?? 1000,
      eachBatchAutoResolve: false,
      // Partitions are independent; two at a time fit the database pool and a small machine.
      partitionsConsumedConcurrently: 2,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    for (const t of this.resumeTimers) clearTimeout(t);
    this.resumeTimers.clear();
    const c = this.consumer;
    this.consumer = undefined;
    this.joined = false;
    if (c && this.resolved.size > 0) {
      // What a chunk still in progress resolves after this is delivered again to the next owner (inbox).
      await c.commitOffsets([...this.resolved.values()]).catch((err: unknown) => {
        this.logger.warn({ err: errorText(err) }, 'could not commit offsets at stop');
      });
      this.resolved.clear();
    }
    // disconnect waits for the batch in progress to finish.
    await c?.disconnect();
  }

  private prepare(topic: string, message: KafkaMessage): Prepared {
    const offset = message.offset;
    const { originalTopic, attempt, foreign, dueAt } = retryState(topic, message, this.options.groupId);
    if (foreign) return { kind: 'skip', offset };
    if (dueAt > Date.now()) return { kind: 'wait', offset, dueAt };
    let event: CloudEvent;
    try {
      event = fromKafkaMessage(message);
    } catch (err) {
      const reason = err instanceof EnvelopeError ? err.message : errorText(err);
      return { kind: 'dead', offset, message, reason: `malformed: ${reason}`, originalTopic, attempt };
    }
    const handler = this.options.handlers.get(event.type);
    if (!handler) return { kind: 'skip', offset };
    const parsed = handler.contract.schema.safeParse(event.data);
    if (!parsed.success) {
      return {
        kind: 'dead',
        offset,
        message,
        reason: `contract violation: ${parsed.error.message.slice(0, 500)}`,
        originalTopic,
        attempt,
      };
    }
    return {
      kind: 'handle',
      offset,
      message,
      event: { ...event, data: parsed.data },
      handler,
      attempt,
      originalTopic,
    };
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const chunk: Prepared[] = [];
    for (const message of batch.messages) {
      if (!p.isRunning() || p.isStale()) break;
      const prepared = this.prepare(batch.topic, message);
      if (prepared.kind === 'wait') {
        await this.flush(chunk, batch.topic, batch.partition, p);
        this.pauseUntil(batch.topic, batch.partition, prepared.offset, prepared.dueAt);
        return;
      }
      chunk.push(prepared);
      if (chunk.length >= 1000) {
        await this.flush(chunk.splice(0), batch.topic, batch.partition, p);
      }
    }
    await this.flush(chunk, batch.topic, batch.partition, p);
  }

  private pauseUntil(topic: string, partition: number, offset: string, dueAt: number): void {
    const consumer = this.consumer;
    if (!consumer) return;
    consumer.pause([{ topic, partitions: [partition] }]);
    consumer.seek({ topic, partition, offset });
    const timer = setTimeout(
      () => {
        this.resumeTimers.delete(timer);
        this.consumer?.resume([{ topic, partitions: [partition] }]);
      },
      Math.max(0, dueAt - Date.now()) + 5,
    );
    this.resumeTimers.add(timer);
  }

  private async flush(
    items: Prepared[],
    topic: string,
    partition: number,
    p: EachBatchPayload,
  ): Promise<void> {
    if (items.length === 0) return;
    // The session (10 s by default) must not run out while a long chunk is handled (a backlog of 1000
    // events, a slow lookup): keep heartbeating meanwhile. kafkajs sends one only when its 3 s interval has
    // passed, so ask every second (asked every 3 s, it skipped one that was a moment early, and the next came
    // 6 s after the last). A failure here (a rebalance) shows again, and is handled by kafkajs, at the
    // heartbeat after the chunk.
    const beat = setInterval(() => void p.heartbeat().catch(() => undefined), 1000);
    try {
      await this.flushChunk(items, topic, partition, p);
    } finally {
      clearInterval(beat);
    }
  }

  private async flushChunk(
    items: Prepared[],
    topic: string,
    partition: number,
    p: EachBatchPayload,
  ): Promise<void> {
    const handleable = items.filter((i): i is Handleable => i.kind === 'handle');
    let handledIds: string[] = [];
    if (handleable.length > 0) {
      try {
        handledIds = await this.inTransaction((qr, onCommit) => this.handleAll(qr, handleable, onCommit));
      } catch (err) {
        if (isTransientInfrastructureError(err)) {
          this.backOffForInfrastructure(topic, partition, handleable[0].offset, err);
          return;
        }
        // One of them failed: handle each on its own so only the failing one is retried.
        handledIds = [];
        for (const item of handleable) {
          try {
            handledIds.push(
              ...(await this.inTransaction((qr, onCommit) => this.handleAll(qr, [item], onCommit))),
            );
          } catch (itemErr) {
            if (isTransientInfrastructureError(itemErr)) {
              this.backOffForInfrastructure(topic, partition, item.offset, itemErr);
              return;
            }
            await this.failures.retryOrDeadLetter(item, itemErr, topic, partition);
          }
          await p.heartbeat();
        }
      }
    }
    for (const item of items) {
      if (item.kind === 'dead') await this.failures.deadLetter(item, item.reason, topic, partition);
    }
    await this.options.afterCommit?.(handledIds);
    const last = items[items.length - 1].offset;
    p.resolveOffset(last);
    this.resolved.set(`${topic}:${partition}`, { topic, partition, offset: (BigInt(last) + 1n).toString() });
    await p.commitOffsetsIfNecessary();
    await p.heartbeat();
  }

  private async inTransaction<T>(
    work: (qr: QueryRunner, afterCommit: (fn: () => void) => void) => Promise<T>,
  ): Promise<T> {
    const qr = this.dataSource.createQueryRunner();
    const committed: Array<() => void> = [];
    await qr.connect();
    try {
      await qr.startTransaction();
      const result = await work(qr, (fn) => committed.push(fn));
      await qr.commitTransaction();
      for (const fn of committed) {
        try {
          fn();
        } catch (err) {
          this.logger.warn({ err: errorText(err) }, 'after-commit callback failed');
        }
      }
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }

  private async handleAll(
    qr: QueryRunner,
    items: Handleable[],
    afterCommit: (fn: () => void) => void,
  ): Promise<string[]> {
    const ids = items.map((i) => i.event.id);
    const inserted = await preparedQuery<{ event_id: string }>(
      qr.manager,
      `inbox-insert-${this.options.schema}`,
      `INSERT INTO "${this.options.schema}".inbox (consumer_group, event_id, event_type)
       SELECT $1, x.id, x.type FROM unnest($2::text[], $3::text[]) AS x(id, type)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.groupId, ids, items.map((i) => i.event.type)],
    );
    const fresh = new Set(inserted.map((r) => r.event_id));
    const duplicates = items.length - fresh.size;
    if (duplicates > 0) this.c.duplicates.inc({ group: this.options.groupId }, duplicates);
    const todo = items.filter((item) => fresh.delete(item.event.id));
    const ctx = (item: Handleable): HandlerContext => ({
      manager: qr.manager,
      attempt: item.attempt,
      topic: item.originalTopic,
      afterCommit,
    });
    // In order; a batch handler takes each run of its events (same topic and attempt) in one call.
    for (let i = 0; i < todo.length;) {
      const item = todo[i];
      const h = item.handler;
      let end = i + 1;
      if (h.handleBatch) {
        while (
          end < todo.length &&
          todo[end].handler.handleBatch === h.handleBatch &&
          todo[end].attempt === item.attempt &&
          todo[end].originalTopic === item.originalTopic
        )
          end++;
        await h.handleBatch(
          todo.slice(i, end).map((t) => t.event),
          ctx(item),
        );
      } else {
        await h.handle(item.event, ctx(item));
      }
      for (const t of todo.slice(i, end))
        this.c.handled.inc({ group: this.options.groupId, type: t.event.type });
      i = end;
    }
    return todo.map((t) => t.event.id);
  }

  private backOffForInfrastructure(topic: string, partition: number, offset: string, err: unknown): void {
    const ms = this.options.infrastructureBackoffMs ?? 2000;
    this.logger.warn(
      { err: errorText(err) },
      `dependency unavailable (database, broker or remote registry), pausing ${topic}[${partition}] for ${ms} ms`,
    );
    this.pauseUntil(topic, partition, offset, Date.now() + ms);
  }
}
