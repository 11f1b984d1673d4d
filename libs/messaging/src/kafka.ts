import * as net from 'node:net';
import * as tls from 'node:tls';
import { Logger } from '@nestjs/common';
import {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Producer,
  type RequestEvent,
  type SASLOptions,
} from 'kafkajs';
import { Counter } from 'prom-client';
import { metric } from './metrics';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** How long a request may take before kafkajs gives up on it. */
  requestTimeoutMs?: number;
}

/** The sockets each client has open (see `closeLeftoverSockets`). */
const openSockets = new WeakMap<Kafka, Set<net.Socket>>();

/** The one place Kafka client config is built; kafkajs logs go through Nest's logger. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  const logger = new Logger('Kafka');
  const sockets = new Set<net.Socket>();
  const config: KafkaConfig = {
    // kafkajs's own socket factory, plus bookkeeping of what is open.
    socketFactory: ({ host, port, ssl, onConnect }) => {
      const socket = ssl
        ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
        : net.connect({ host, port }, onConnect);
      socket.setKeepAlive(true, 60_000);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    },
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl ?? false,
    sasl: options.sasl as SASLOptions | undefined,
    connectionTimeout: 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        const line = { ...extra, kafka: true };
        if (level === logLevel.ERROR) logger.error(line, message);
        else if (level === logLevel.WARN) logger.warn(line, message);
        else logger.debug?.(line, message);
      },
  };
  const kafka = new Kafka(config);
  openSockets.set(kafka, sockets);
  return kafka;
}

/**
 * Closes the sockets a client still has open once its producers, consumers and admins are disconnected;
 * returns how many. After a broker outage kafkajs can leave connections behind (of broker objects no longer
 * in its pool), with request-queue timers that keep the process from exiting. Ending the socket lets the
 * broker close its side, and kafkajs then disconnects the connection as it does when a broker goes away.
 */
export async function closeLeftoverSockets(kafka: Kafka, graceMs = 2000): Promise<number> {
  const sockets = openSockets.get(kafka);
  if (!sockets || sockets.size === 0) return 0;
  const left = [...sockets];
  const closed = Promise.all(
    left.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()))),
  );
  for (const socket of left) socket.end();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const socket of sockets) socket.destroy(new Error('Kafka connection left open at shutdown'));
  return left.length;
}

const requests = (): Counter<'client' | 'api'> =>
  metric(
    'amtsbote_kafka_requests_total',
    () =>
      new Counter({
        name: 'amtsbote_kafka_requests_total',
        help: 'Requests sent to Kafka brokers, by client (producer, consumer, admin) and API (Produce, Fetch, …)',
        labelNames: ['client', 'api'],
      }),
  );

/** Counts the requests a client sends (`amtsbote_kafka_requests_total`): what a unit of work costs the broker. */
export function countRequests(
  client: Producer | Consumer | Admin,
  role: 'producer' | 'consumer' | 'admin',
): void {
  const counter = requests();
  const count = (e: RequestEvent) => counter.inc({ client: role, api: e.payload.apiName });
  // The three clients name the same network event differently; each is typed on its own.
  if (role === 'producer') (client as Producer).on((client as Producer).events.REQUEST, count);
  else if (role === 'consumer') (client as Consumer).on((client as Consumer).events.REQUEST, count);
  else (client as Admin).on((client as Admin).events.REQUEST, count);
}
