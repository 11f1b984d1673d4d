import type { EventContract } from '@amtsbote/contracts';
import { ReadinessRegistry, type ReadinessIndicator, withTimeout } from '@amtsbote/platform';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { type ConsumerOptions, EventConsumer, type RegisteredHandler } from './consumer';
import { EVENT_BATCH_HANDLER_METADATA, EVENT_HANDLER_METADATA } from './decorators';
import { InboxPruner } from './inbox-pruner';
import { closeLeftoverSockets, countRequests, createKafka, type KafkaConnectionOptions } from './kafka';
import { OutboxSignal, OutboxWriter } from './outbox';
import { OutboxRelay, type RelayOptions } from './relay';
import { ensureTopics } from './topics';

export interface MessagingOptions {
  /** Service name: CloudEvents `source` is `urn:amtsbote:<service>`; the consumer group is `amtsbote.<service>`. */
  service: string;
  kafka: KafkaConnectionOptions;
  /** The app's PostgreSQL schema (outbox and inbox tables). */
  schema: string;
  /**
   * Topics this service consumes. Normally left out: they are the topics of the contracts its
   * `@EventHandler`s handle. When given, a handler of a contract on another topic fails the boot.
   */
  consumes?: string[];
  /** Topics this service publishes to or consumes; created if missing when `provisionTopics` is on. */
  topics: string[];
  provisionTopics?: { partitions: number; replicationFactor: number };
  /** Prepended to every topic name on the wire (`KAFKA_TOPIC_PREFIX`). */
  topicPrefix?: string;
  retryDelaysMs: number[];
  /** Session, fetch wait and offset-commit interval of the consumer (`KAFKA_CONSUMER_*`, `KAFKA_OFFSET_*`). */
  consumer?: Pick<ConsumerOptions, 'sessionTimeoutMs' | 'maxWaitMs' | 'commitIntervalMs'>;
  relay?: Omit<RelayOptions, 'schema'>;
  consumerGroupId?: string;
  /** How long the inbox remembers handled event ids (`INBOX_RETENTION_DAYS`). */
  inboxRetentionMs: number;
  afterCommit?: (eventIds: string[]) => Promise<void> | void;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA = Symbol('KAFKA');

/** Owns the producer, the relay and the consumer of one service, and their lifecycles. */
@Injectable()
export class MessagingRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, ReadinessIndicator
{
  readonly name = 'kafka';
  private readonly logger = new Logger('Messaging');
  private producer?: Producer;
  private admin?: Admin;
  private relay?: OutboxRelay;
  private consumer?: EventConsumer;
  private pruner?: InboxPruner;
  private starting?: Promise<void>;
  private stopped = false;
  private started = false;
  private handlers = new Map<string, RegisteredHandler>();
  private consumed: string[] = [];

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly signal: OutboxSignal,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    registry: ReadinessRegistry,
  ) {
    registry.register(this);
  }

  get groupId(): string {
    // The topic prefix namespaces groups too, so installations sharing a cluster do not share groups.
    return (
      this.options.consumerGroupId ?? `${this.options.topicPrefix ?? ''}amtsbote.${this.options.service}`
    );
  }

  /** The topics consumed: those of the registered handlers' contracts. */
  get consumedTopics(): string[] {
    return this.consumed;
  }

  onApplicationBootstrap(): void {
    this.handlers = this.discoverHandlers();
    this.consumed = consumedTopics(this.handlers, this.options.consumes, this.options.service);
    if (this.consumed.length > 0) {
      // Needs only the database, so it runs whether Kafka is there or not.
      this.pruner = new InboxPruner(this.dataSource, {
        schema: this.options.schema,
        retentionMs: this.options.inboxRetentionMs,
      });
      this.pruner.start();
    }
    // Start in the background: the HTTP API serves (and the outbox keeps events) while Kafka is away.
    this.starting = this.startWithRetry();
  }

  /** Resolves once producer, relay and consumer run (tests and the demo wait for it). */
  async whenStarted(): Promise<void> {
    await this.starting;
  }

  private async startWithRetry(): Promise<void> {
    let delay = 500;
    while (!this.stopped && !this.started) {
      try {
        await this.startOnce();
        this.started = true;
        this.logger.log(
          `messaging started (group ${this.groupId}, consumes ${this.consumed.join(', ') || 'nothing'})`,
        );
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, `messaging start failed, retrying in ${delay} ms`);
        await this.stopParts();
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 10000);
      }
    }
  }

  private async startOnce(): Promise<void> {
    const o = this.options;
    if (o.provisionTopics) {
      await ensureTopics(
        this.kafka,
        o.topics.map((t) => (o.topicPrefix ?? '') + t),
        { ...o.provisionTopics, retryLevels: o.retryDelaysMs.length },
      );
    }
    this.admin = this.kafka.admin({ retry: { retries: 0 } });
    countRequests(this.admin, 'admin');
    await this.admin.connect();
    this.producer = this.kafka.producer({
      // Fail a send within ~2.5 s instead of retrying for up to a minute with backoffs of 10 s: the relay
      // keeps the rows and tries again within 2 s, so it resumes at once when the broker is back. Its
      // events keep their order (one batch at a time); consumers drop the copies a retry may add.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    countRequests(this.producer, 'producer');
    await this.producer.connect();
    this.relay = new OutboxRelay(this.dataSource, this.producer, {
      ...o.relay,
      schema: o.schema,
      topicPrefix: o.topicPrefix,
      signal: this.signal,
    });
    this.relay.start();
    const handlers = this.handlers;
    if (this.consumed.length > 0) {
      this.consumer = new EventConsumer(this.kafka, this.producer, this.dataSource, {
        groupId: this.groupId,
        schema: o.schema,
        service: o.service,
        topics: this.consumed.map((t) => (o.topicPrefix ?? '') + t),
        retryDelaysMs: o.retryDelaysMs,
        ...o.consumer,
        handlers,
        afterCommit: o.afterCommit,
      });
      await this.consumer.start();
    }
  }

  private discoverHandlers(): Map<string, RegisteredHandler> {
    const handlers = new Map<string, RegisteredHandler>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const single = this.reflector.get<EventContract | readonly EventContract[] | undefined>(
          EVENT_HANDLER_METADATA,
          fn as () => void,
        );
        const batch = this.reflector.get<EventContract | readonly EventContract[] | undefined>(
          EVENT_BATCH_HANDLER_METADATA,
          fn as () => void,
        );
        const marked = single ?? batch;
        if (!marked) continue;
        const bound = (fn as (...a: unknown[]) => Promise<void>).bind(instance);
        const contracts: readonly EventContract[] = isContractList(marked) ? marked : [marked];
        for (const contract of contracts) {
          if (handlers.has(contract.type))
            throw new Error(`Two handlers for ${contract.type} in ${this.options.service}`);
          handlers.set(
            contract.type,
            single ? { contract, handle: bound } : { contract, handleBatch: bound },
          );
        }
      }
    }
    return handlers;
  }

  async check(): Promise<{ up: boolean; details?: Record<string, unknown> }> {
    if (!this.started || !this.admin) return { up: false, details: { message: 'messaging not started' } };
    try {
      await withTimeout(this.admin.describeCluster(), 2000, 'kafka');
    } catch (err) {
      return { up: false, details: { message: (err as Error).message } };
    }
    if (this.consumer && !this.consumer.isJoined)
      return { up: false, details: { message: 'consumer not in its group' } };
    return { up: true };
  }

  private async stopParts(): Promise<void> {
    const relay = this.relay;
    const consumer = this.consumer;
    const producer = this.producer;
    const admin = this.admin;
    this.relay = this.consumer = this.producer = this.admin = undefined;
    await relay?.stop().catch(() => undefined);
    await consumer?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
  }

  /** Graceful: in-flight handlers finish, the relay ends its batch, then clients close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.pruner?.stop();
    await this.starting?.catch(() => undefined);
    await this.stopParts();
    const left = await closeLeftoverSockets(this.kafka);
    if (left > 0) this.logger.warn(`closed ${left} Kafka connection(s) kafkajs left open`);
  }
}

function isContractList(
  marked: EventContract | readonly EventContract[],
): marked is readonly EventContract[] {
  return Array.isArray(marked);
}

/**
 * The topics a service consumes follow from its handlers, so a new handler cannot be forgotten in a list.
 * An explicit list (`declared`) may only narrow nothing: a handler whose topic it lacks fails the boot.
 */
export function consumedTopics(
  handlers: Map<string, RegisteredHandler>,
  declared: string[] | undefined,
  service: string,
): string[] {
  const topics = [...new Set([...handlers.values()].map((h) => h.contract.topic))].sort();
  if (declared === undefined) return topics;
  const missing = [...handlers.values()].filter((h) => !declared.includes(h.contract.topic));
  if (missing.length > 0) {
    throw new Error(
      `${service} handles ${missing.map((h) => `${h.contract.type} (topic ${h.contract.topic})`).join(', ')} ` +
        `but does not consume ${[...new Set(missing.map((h) => h.contract.topic))].join(', ')}: ` +
        'leave out `consumes` (it follows from the handlers) or add the topic',
    );
  }
  return [...new Set(declared)];
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka(options.kafka) },
        OutboxSignal,
        {
          provide: OutboxWriter,
          useFactory: (signal: OutboxSignal) =>
            new OutboxWriter(options.schema, `urn:amtsbote:${options.service}`, signal),
          inject: [OutboxSignal],
        },
        MessagingRuntime,
      ],
      exports: [OutboxWriter, MessagingRuntime, KAFKA, MESSAGING_OPTIONS],
    };
  }
}
