import { deadLetterTopic, retryTopic } from '@amtsbote/contracts';
import { Logger } from '@nestjs/common';
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { Counter } from 'prom-client';
import { readHeader } from './envelope';
import { metric } from './metrics';

/** What a retry carries besides the original record's headers. */
const H = {
  attempt: 'x-retry-attempt',
  due: 'x-retry-due',
  group: 'x-retry-group',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  error: 'x-error',
} as const;

const RETRY_TOPIC = /\.retry\.\d+$/;

export function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1000);
}

/** Where a record read from `topic` stands: the topic it was first published to and its attempt. */
export interface RetryState {
  originalTopic: string;
  /** 0 for the first delivery, n on the n-th retry. */
  attempt: number;
  /** A retry of another group (retry topics are shared by every group consuming the original topic). */
  foreign: boolean;
  /** When a retry may be handled (ms since epoch); 0 for a first delivery. */
  dueAt: number;
}

export function retryState(topic: string, message: KafkaMessage, groupId: string): RetryState {
  if (!RETRY_TOPIC.test(topic)) return { originalTopic: topic, attempt: 0, foreign: false, dueAt: 0 };
  return {
    originalTopic: readHeader(message.headers, H.originalTopic) ?? topic.replace(RETRY_TOPIC, ''),
    attempt: Number(readHeader(message.headers, H.attempt) ?? '1'),
    foreign: readHeader(message.headers, H.group) !== groupId,
    dueAt: Number(readHeader(message.headers, H.due) ?? '0'),
  };
}

/** A record that could not be handled, with where it stands. */
export interface FailedRecord {
  message: KafkaMessage;
  originalTopic: string;
  attempt: number;
  /** Known when the record was a valid event (for logs and metrics). */
  event?: { id: string; type: string };
}

export interface RetryOptions {
  groupId: string;
  /** Service name written into dead-letter provenance. */
  service: string;
  /** Delay before each retry; their count bounds the retries before the dead-letter topic. */
  retryDelaysMs: number[];
}

/**
 * Sends a failed record on: to `<topic>.retry.<n>` due after the n-th delay, after the last to
 * `<topic>.dlt` with why and where it first failed. So a failing event never blocks its partition.
 */
export class RetryRouter {
  private readonly logger: Logger;
  private readonly retried = metric(
    'amtsbote_events_retried_total',
    () =>
      new Counter({
        name: 'amtsbote_events_retried_total',
        help: 'Events sent to a retry topic',
        labelNames: ['group', 'type'],
      }),
  );
  private readonly dead = metric(
    'amtsbote_events_dead_lettered_total',
    () =>
      new Counter({
        name: 'amtsbote_events_dead_lettered_total',
        help: 'Events sent to a dead-letter topic',
        labelNames: ['group', 'topic', 'reason'],
      }),
  );

  constructor(
    private readonly producer: Producer,
    private readonly options: RetryOptions,
  ) {
    this.logger = new Logger(`EventConsumer(${options.groupId})`);
  }

  /** The handler failed on `failed` (read from `topic`/`partition`): the next retry, or the dead letters. */
  async retryOrDeadLetter(
    failed: FailedRecord,
    err: unknown,
    topic: string,
    partition: number,
  ): Promise<void> {
    const next = failed.attempt + 1;
    const delays = this.options.retryDelaysMs;
    if (next > delays.length) {
      await this.deadLetter(failed, `handler failed: ${errorText(err)}`, topic, partition);
      return;
    }
    const delay = delays[next - 1];
    // Jitter spreads retries of many failures so they do not all return at once.
    const due = Date.now() + Math.round(delay * (0.9 + Math.random() * 0.2));
    this.logger.warn(
      { eventId: failed.event?.id, type: failed.event?.type, attempt: next, err: errorText(err) },
      `handler failed, retry ${next}/${delays.length} in ~${delay} ms`,
    );
    const headers: IHeaders = {
      ...failed.message.headers,
      [H.attempt]: String(next),
      [H.due]: String(due),
      [H.group]: this.options.groupId,
      [H.originalTopic]: failed.originalTopic,
      [H.error]: errorText(err),
      ...this.provenance(failed, topic, partition),
    };
    await this.producer.send({
      topic: retryTopic(failed.originalTopic, next),
      acks: -1,
      messages: [{ key: failed.message.key, value: failed.message.value, headers }],
    });
    this.retried.inc({ group: this.options.groupId, type: failed.event?.type ?? 'unknown' });
  }

  /** `failed` to `<original topic>.dlt`, with `reason` and where it first failed. */
  async deadLetter(
    failed: FailedRecord,
    reason: string,
    fromTopic: string,
    partition: number,
  ): Promise<void> {
    const { message, originalTopic } = failed;
    this.logger.error({ originalTopic, reason, attempts: failed.attempt }, 'event dead-lettered');
    const headers: IHeaders = {
      ...message.headers,
      'x-dlt-reason': reason.slice(0, 1000),
      'x-dlt-group': this.options.groupId,
      'x-dlt-service': this.options.service,
      'x-dlt-attempts': String(failed.attempt),
      'x-dlt-failed-at': new Date().toISOString(),
      [H.originalTopic]: originalTopic,
      ...this.provenance(failed, fromTopic, partition),
    };
    await this.producer.send({
      topic: deadLetterTopic(originalTopic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.dead.inc({
      group: this.options.groupId,
      topic: originalTopic,
      reason: reason.split(':')[0] ?? 'unknown',
    });
  }

  /** Where the event first failed: kept from the main topic through every retry level. */
  private provenance(failed: FailedRecord, topic: string, partition: number): IHeaders {
    if (topic !== failed.originalTopic) return {};
    return { [H.originalPartition]: String(partition), [H.originalOffset]: failed.message.offset };
  }
}
