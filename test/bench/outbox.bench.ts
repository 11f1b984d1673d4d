/**
 * `npm run bench:outbox`: events per second through outbox → Kafka → consumer with inbox, against raw
 * kafkajs produce → consume of the same payloads, on the same broker in the same run.
 */
import { readFileSync } from 'node:fs';
import { ALL_TOPICS, TOPICS } from '@amtsbote/contracts';
import { EventConsumer, ensureTopics, OutboxRelay } from '@amtsbote/messaging';
import { Partitioners } from 'kafkajs';
import { BackboneFixture, testEvent } from '../backbone/backbone-fixture';

const N = Number(process.env.BENCH_EVENTS ?? 20000);
const BATCH = 100;
const NOTE = 'x'.repeat(250);
/** Writers (and raw producers) working at once, as concurrent requests of a service would. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

/** Runs `work(i)` for every batch start i in [0, N) with CONCURRENCY batches in flight. */
async function inBatches(work: (from: number, to: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < N) {
      const from = next;
      next += BATCH;
      await work(from, Math.min(N, from + BATCH));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

/** Busy and total CPU time of the whole machine (all cores) so far, in ms, from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + (fields[4] ?? 0);
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  return { busy: (total - idle) * tick, total: total * tick };
}

interface Run {
  rate: number;
  /** Share of the machine's CPU (all cores) busy while the events flowed. */
  busy: number;
  /** Machine CPU time (Node, Kafka, PostgreSQL, everything) per event. */
  cpuUsPerEvent: number;
}

/** Times `N` events flowing through `work` and measures how busy the machine was meanwhile. */
async function timed(work: () => Promise<void>): Promise<Run> {
  const before = machineCpu();
  const start = performance.now();
  await work();
  const secs = (performance.now() - start) / 1000;
  const after = machineCpu();
  const busyMs = after.busy - before.busy;
  return { rate: N / secs, busy: busyMs / (after.total - before.total), cpuUsPerEvent: (busyMs * 1000) / N };
}

async function waitFor(done: () => boolean, timeoutMs = 180000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function raw(f: BackboneFixture): Promise<Run> {
  const topic = `${f.prefix}raw.${TOPICS.diagnostics}`;
  await ensureTopics(f.kafka, [topic], { partitions: 3, replicationFactor: 1, retryLevels: 0 });
  const producer = f.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const consumer = f.kafka.consumer({ groupId: `${f.prefix}raw`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) seen++;
    },
  });
  await new Promise((r) => setTimeout(r, 2000)); // let the group settle before timing
  const run = await timed(async () => {
    await inBatches(async (from, to) => {
      const messages = [];
      for (let j = from; j < to; j++)
        messages.push({ key: `k${j % 50}`, value: JSON.stringify({ n: j, note: NOTE }) });
      await producer.send({ topic, acks: -1, messages });
    });
    await waitFor(() => seen >= N);
  });
  await consumer.disconnect();
  await producer.disconnect();
  return run;
}

async function backbone(f: BackboneFixture): Promise<Run> {
  let handled = 0;
  const consumer = new EventConsumer(f.kafka, f.producer, f.dataSource, {
    groupId: `${f.prefix}bench`,
    schema: 'bb',
    service: 'bench',
    topics: [f.prefix + TOPICS.diagnostics],
    retryDelaysMs: [1000],
    handlers: new Map([
      [
        testEvent.type,
        {
          contract: testEvent,
          handle: () => {
            handled++;
            return Promise.resolve();
          },
        },
      ],
    ]),
  });
  await consumer.start();
  const relay = new OutboxRelay(f.dataSource, f.producer, {
    schema: 'bb',
    topicPrefix: f.prefix,
    signal: f.signal,
    lingerMs: Number(process.env.BENCH_LINGER_MS ?? 5),
  });
  relay.start();
  await new Promise((r) => setTimeout(r, 2000));
  const run = await timed(async () => {
    await inBatches(async (from, to) => {
      const drafts: Array<{
        contract: typeof testEvent;
        subject: string;
        data: { n: number; note: string };
      }> = [];
      for (let j = from; j < to; j++) {
        drafts.push({ contract: testEvent, subject: `k${j % 50}`, data: { n: j, note: NOTE } });
      }
      await f.dataSource.transaction((m) => f.writer.addMany(m, drafts));
    });
    await waitFor(() => handled >= N);
  });
  await relay.stop();
  await consumer.stop();
  return run;
}

async function main(): Promise<void> {
  const f = new BackboneFixture();
  await f.setUp('bench');
  void ALL_TOPICS;
  try {
    const rawRun = await raw(f);
    const backboneRun = await backbone(f);
    const rawRate = rawRun.rate;
    const backboneRate = backboneRun.rate;
    const ratio = backboneRate / rawRate;
    const cpu = (r: { busy: number; cpuUsPerEvent: number }) =>
      `machine CPU ${(r.busy * 100).toFixed(0)} % busy, ${r.cpuUsPerEvent.toFixed(0)} µs CPU per event`;
    const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(44)} ${v}\n`);
    process.stdout.write(
      `\nbench:outbox — ${N} events of ~300 B, batches of ${BATCH}, ${CONCURRENCY} at once, 2-core machine\n`,
    );
    line('raw kafkajs produce → consume', `${rawRate.toFixed(0)} events/s (${cpu(rawRun)})`);
    line(
      'outbox → relay → Kafka → consumer with inbox',
      `${backboneRate.toFixed(0)} events/s (${cpu(backboneRun)})`,
    );
    line('ratio (target ≥ 60 %)', `${(ratio * 100).toFixed(1)} %`);
    process.stdout.write(
      'BENCH_RESULT ' +
        JSON.stringify({
          bench: 'outbox',
          events: N,
          rawPerSecond: rawRate,
          backbonePerSecond: backboneRate,
          ratio,
          rawCpuUsPerEvent: rawRun.cpuUsPerEvent,
          backboneCpuUsPerEvent: backboneRun.cpuUsPerEvent,
          rawMachineBusy: rawRun.busy,
          backboneMachineBusy: backboneRun.busy,
        }) +
        '\n',
    );
  } finally {
    await f.tearDown();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
