import { ALL_TOPICS, defineEvent, deadLetterTopic, TOPICS } from '@amtsbote/contracts';
import {
  createKafka,
  createMessagingTables,
  type EventConsumer as EventConsumerType,
  EventConsumer,
  ensureTopics,
  MESSAGING_ENTITIES,
  OutboxRelay,
  OutboxSignal,
  OutboxWriter,
  type EventHandlerFn,
  type RelayOptions,
} from '@amtsbote/messaging';
import { dataSourceOptions } from '@amtsbote/platform';
import { freshDatabase, KAFKA_BROKERS, type TestDatabase, uniqueName } from '@amtsbote/testing';
import { type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { z } from 'zod';

export const SCHEMA = 'bb';

/** A test-only contract on the diagnostics topic. */
export const testEvent = defineEvent(
  'de.amtsbote.test.happened.v1',
  TOPICS.diagnostics,
  z.object({ n: z.number().int(), note: z.string() }),
  'Used by the backbone tests only.',
);

/** One isolated backbone: its own database, topic prefix and consumer group on the real stack. */
export class BackboneFixture {
  db!: TestDatabase;
  dataSource!: DataSource;
  kafka!: Kafka;
  producer!: Producer;
  writer!: OutboxWriter;
  readonly signal = new OutboxSignal();
  prefix!: string;
  private readonly stoppables: Array<{ stop(): Promise<void> }> = [];

  async setUp(label: string): Promise<void> {
    this.db = await freshDatabase(label);
    this.prefix = `${uniqueName(label).replace(/_/g, '-')}.`;
    this.dataSource = new DataSource(
      dataSourceOptions({ url: this.db.url, schema: SCHEMA, entities: MESSAGING_ENTITIES, poolSize: 8 }),
    );
    await this.dataSource.initialize();
    const qr = this.dataSource.createQueryRunner();
    await createMessagingTables(qr, SCHEMA);
    await qr.query(`CREATE TABLE ${SCHEMA}.effects (event_id text NOT NULL, n int NOT NULL)`);
    await qr.release();
    this.kafka = createKafka({ brokers: [...KAFKA_BROKERS], clientId: `test-${this.prefix}` });
    await ensureTopics(
      this.kafka,
      ALL_TOPICS.map((t) => this.prefix + t),
      {
        partitions: 2,
        replicationFactor: 1,
        retryLevels: 2,
      },
    );
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    this.writer = new OutboxWriter(SCHEMA, 'urn:amtsbote:test', this.signal);
  }

  relay(options: Partial<RelayOptions> = {}): OutboxRelay {
    return new OutboxRelay(this.dataSource, this.producer, {
      schema: SCHEMA,
      topicPrefix: this.prefix,
      pollIntervalMs: 100,
      ...options,
    });
  }

  async consumer(
    handle: EventHandlerFn,
    options: {
      groupId?: string;
      afterCommit?: (ids: string[]) => Promise<void> | void;
      sessionTimeoutMs?: number;
    } = {},
  ): Promise<EventConsumerType> {
    const consumer = new EventConsumer(this.kafka, this.producer, this.dataSource, {
      groupId: options.groupId ?? `${this.prefix}group`,
      schema: SCHEMA,
      service: 'test',
      topics: [this.prefix + TOPICS.diagnostics],
      retryDelaysMs: [150, 300],
      handlers: new Map([[testEvent.type, { contract: testEvent, handle }]]),
      afterCommit: options.afterCommit,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10000,
    });
    await consumer.start();
    this.stoppables.push(consumer);
    return consumer;
  }

  /** Effect rows written by handlers, by event id. */
  async effects(): Promise<Array<{ event_id: string; n: number }>> {
    return await this.dataSource.query<
      Array<{
        event_id: string;
        n: number;
      }>
    >(`SELECT event_id, n FROM ${SCHEMA}.effects ORDER BY n`);
  }

  async emit(n: number, note = 'ok', key = 'k1'): Promise<string> {
    return this.dataSource.transaction((m) =>
      this.writer.add(m, { contract: testEvent, subject: key, data: { n, note } }),
    );
  }

  /** Reads a whole topic from the start with a throwaway group (to see what really is on the wire). */
  async readTopic(topic: string, expect: number, timeoutMs = 15000): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    const consumer = this.kafka.consumer({ groupId: `${this.prefix}reader-${uniqueName('r')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (seen.length < expect && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // A little longer, to notice more than expected.
    await new Promise((r) => setTimeout(r, 500));
    await consumer.disconnect();
    return seen;
  }

  dlt(): string {
    return deadLetterTopic(this.prefix + TOPICS.diagnostics);
  }

  track(s: { stop(): Promise<void> }): void {
    this.stoppables.push(s);
  }

  async tearDown(): Promise<void> {
    for (const s of this.stoppables.reverse()) await s.stop().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.dataSource?.destroy().catch(() => undefined);
    await this.db?.drop().catch(() => undefined);
  }
}
