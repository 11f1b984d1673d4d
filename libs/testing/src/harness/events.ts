import type { EventContract, EventPayload } from '@amtsbote/contracts';
import {
  type CloudEvent,
  createKafka,
  ensureTopics,
  fromKafkaMessage,
  newEvent,
  toKafkaMessage,
} from '@amtsbote/messaging';
import { Partitioners } from 'kafkajs';
import { KAFKA_BROKERS } from '../stack';
import { uniqueName } from './service-harness';

/**
 * Publishes an event as another service would (for integration tests of one service): straight to the
 * prefixed topic, CloudEvents binary mode. Returns the event.
 */
export async function publishTestEvent<C extends EventContract>(o: {
  topicPrefix: string;
  contract: C;
  subject: string;
  data: EventPayload<C>;
  tenant?: string;
  source?: string;
  id?: string;
}): Promise<CloudEvent<EventPayload<C>>> {
  const parsed = o.contract.schema.parse(o.data) as EventPayload<C>;
  const event = newEvent({
    id: o.id,
    type: o.contract.type,
    source: o.source ?? 'urn:amtsbote:test',
    subject: o.subject,
    tenant: o.tenant,
    data: parsed,
  });
  const kafka = createKafka({ brokers: [...KAFKA_BROKERS], clientId: 'amtsbote-test-publisher' });
  const topic = o.topicPrefix + o.contract.topic;
  await ensureTopics(kafka, [topic], { partitions: 2, replicationFactor: 1, retryLevels: 0 });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
  } finally {
    await producer.disconnect();
  }
  return event;
}

/**
 * Records every event on some (prefixed) topics from the beginning, for asserting what a service emitted
 * and how often. `stop()` when done.
 */
export class EventRecorder {
  readonly events: CloudEvent[] = [];
  private stopFn?: () => Promise<void>;

  static async start(topicPrefix: string, topics: readonly string[]): Promise<EventRecorder> {
    const r = new EventRecorder();
    const kafka = createKafka({ brokers: [...KAFKA_BROKERS], clientId: 'amtsbote-test-recorder' });
    const physical = topics.map((t) => topicPrefix + t);
    await ensureTopics(kafka, physical, { partitions: 2, replicationFactor: 1, retryLevels: 0 });
    const consumer = kafka.consumer({ groupId: `recorder-${uniqueName('r')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: physical, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          r.events.push(fromKafkaMessage(message));
        } catch {
          // not a CloudEvent: not ours to record
        }
      },
    });
    r.stopFn = () => consumer.disconnect();
    return r;
  }

  ofType<C extends EventContract>(contract: C, subject?: string): Array<CloudEvent<EventPayload<C>>> {
    return this.events.filter(
      (e) => e.type === contract.type && (subject === undefined || e.subject === subject),
    ) as Array<CloudEvent<EventPayload<C>>>;
  }

  async stop(): Promise<void> {
    await this.stopFn?.();
  }
}
