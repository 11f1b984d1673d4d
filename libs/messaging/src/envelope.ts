import { randomUUID } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** A CloudEvents 1.0 event as Amtsbote carries it (binary content mode, JSON data). */
export interface CloudEvent<T = unknown> {
  id: string;
  type: string;
  source: string;
  specversion: '1.0';
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  tenant?: string;
  traceparent?: string;
  data: T;
}

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

export function readHeader(headers: IHeaders | undefined, name: string): string | undefined {
  return header(headers, name);
}

export function newEvent<T>(
  init: Omit<CloudEvent<T>, 'id' | 'specversion' | 'time' | 'datacontenttype'> & {
    id?: string;
    time?: string;
  },
): CloudEvent<T> {
  const { id, time, ...rest } = init;
  return {
    ...rest,
    specversion: '1.0',
    datacontenttype: 'application/json',
    id: id ?? randomUUID(),
    time: time ?? new Date().toISOString(),
  };
}

/** Binary mode: attributes in `ce_*` headers, data as the JSON body; key = subject (the submission id). */
export function toKafkaMessage(event: CloudEvent, key: string = event.subject): Message {
  const headers: IHeaders = {
    ce_id: event.id,
    ce_type: event.type,
    ce_source: event.source,
    ce_specversion: event.specversion,
    ce_time: event.time,
    ce_subject: event.subject,
    'content-type': event.datacontenttype,
  };
  if (event.tenant) headers.tenant = event.tenant;
  if (event.traceparent) headers.traceparent = event.traceparent;
  return { key, value: JSON.stringify(event.data), headers };
}

export function fromKafkaMessage(message: Pick<KafkaMessage, 'headers' | 'value'>): CloudEvent {
  const h = message.headers;
  const id = header(h, 'ce_id');
  const type = header(h, 'ce_type');
  const source = header(h, 'ce_source');
  const specversion = header(h, 'ce_specversion');
  if (!id || !type || !source)
    throw new EnvelopeError('missing CloudEvents headers (ce_id, ce_type, ce_source)');
  if (specversion !== '1.0')
    throw new EnvelopeError(`unsupported CloudEvents specversion ${String(specversion)}`);
  let data: unknown;
  try {
    data = message.value ? JSON.parse(message.value.toString('utf8')) : null;
  } catch {
    throw new EnvelopeError('event body is not valid JSON');
  }
  return {
    id,
    type,
    source,
    specversion: '1.0',
    time: header(h, 'ce_time') ?? new Date(0).toISOString(),
    subject: header(h, 'ce_subject') ?? '',
    datacontenttype: 'application/json',
    tenant: header(h, 'tenant'),
    traceparent: header(h, 'traceparent'),
    data,
  };
}
