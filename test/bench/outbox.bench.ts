/**
 * `npm run bench:outbox`: events per second through outbox → Kafka → consumer with inbox, against raw
 * kafkajs produce → consume of the same payloads, on the same broker in the same run.
 */
import { TOPICS } from '@amtsbote/contracts';
import {
  type EventDraft,
  EventConsumer,
  ensureTopics,
  newEvent,
  OutboxRelay,
  toKafkaMessage,
} from '@amtsbote/messaging';
import { type CpuUse, describeCpu, withMachineCpu } from '@amtsbote/testing';
import { type Message, Partitioners } from 'kafkajs';
import { BackboneFixture, testEvent } from '../backbone/backbone-fixture';

const N = Number(process.env.BENCH_EVENTS ?? 20000);
const BATCH = 100;
const NOTE = 'x'.repeat(250);
/** Writers (and raw producers) working at once, as concurrent requests of a service would. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Measured rounds per side (after one unmeasured warm-up round). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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

interface Run {
  rate: number;
  cpu: CpuUse;
}

/** A way from producer to consumer: sends events [from, to) and counts what arrived. */
interface Pipeline {
  name: string;
  send(from: number, to: number): Promise<void>;
  received(): number;
  close(): Promise<void>;
}

async function waitFor(done: () => boolean, timeoutMs = 180000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Times N events through `p`, from the first send to the last arrival, and the machine's CPU meanwhile. */
async function measure(p: Pipeline): Promise<Run> {
  const already = p.received();
  const start = performance.now();
  const { cpu } = await withMachineCpu(
    async () => {
      await inBatches((from, to) => p.send(from, to));
      await waitFor(() => p.received() - already >= N);
    },
    () => N,
  );
  return { rate: N / ((performance.now() - start) / 1000), cpu };
}

const payload = (j: number) => ({ n: j, note: NOTE });

/**
 * Raw kafkajs produce → consume of the same keys and payloads. With `envelope`, each record also carries
 * the CloudEvents headers the relay writes: what Kafka and kafkajs cost for the envelope alone.
 */
async function rawPipeline(f: BackboneFixture, envelope: boolean): Promise<Pipeline> {
  const name = envelope ? 'raw-envelope' : 'raw';
  const topic = `${f.prefix}${name}.${TOPICS.diagnostics}`;
  // As many partitions as the backbone's topics.
  await ensureTopics(f.kafka, [topic], { partitions: 2, replicationFactor: 1, retryLevels: 0 });
  const producer = f.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const consumer = f.kafka.consumer({ groupId: `${f.prefix}${name}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) seen++;
    },
  });
  const source = 'urn:amtsbote:bench';
  return {
    name,
    send: async (from, to) => {
      const messages: Message[] = [];
      for (let j = from; j < to; j++) {
        const key = `k${j % 50}`;
        if (!envelope) {
          messages.push({ key, value: JSON.stringify(payload(j)) });
          continue;
        }
        messages.push(
          toKafkaMessage(newEvent({ type: testEvent.type, source, subject: key, data: payload(j) })),
        );
      }
      await producer.send({ topic, acks: -1, messages });
    },
    received: () => seen,
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** The backbone: outbox rows written in transactions → relay → Kafka → consumer with its inbox. */
async function backbonePipeline(f: BackboneFixture): Promise<Pipeline> {
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
  return {
    name: 'backbone',
    send: async (from, to) => {
      const drafts: Array<EventDraft<typeof testEvent>> = [];
      for (let j = from; j < to; j++)
        drafts.push({ contract: testEvent, subject: `k${j % 50}`, data: payload(j) });
      await f.dataSource.transaction((m) => f.writer.addMany(m, drafts));
    },
    received: () => handled,
    close: async () => {
      await relay.stop();
      await consumer.stop();
    },
  };
}

/** The run with the median rate. */
function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.rate - b.rate)[Math.floor(runs.length / 2)];
}

async function main(): Promise<void> {
  const f = new BackboneFixture();
  await f.setUp('bench');
  const pipelines: Pipeline[] = [];
  try {
    pipelines.push(await rawPipeline(f, false), await rawPipeline(f, true), await backbonePipeline(f));
    await new Promise((r) => setTimeout(r, 2000)); // let the consumer groups settle
    // One round unmeasured (JIT in Node and in the broker), then ROUNDS rounds taking turns, so a slow
    // moment of the machine does not fall on one side only; each side's median counts.
    const runs = new Map<string, Run[]>(pipelines.map((p) => [p.name, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const p of pipelines) {
        const run = await measure(p);
        if (round > 0) runs.get(p.name)?.push(run);
      }
    }
    const [raw, envelope, backbone] = pipelines.map((p) => median(runs.get(p.name) ?? []));
    const ratio = backbone.rate / raw.rate;
    const cpu = (r: Run) => describeCpu(r.cpu, 'event');
    const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(46)} ${v}\n`);
    process.stdout.write(
      `\nbench:outbox — ${N} events of ~300 B, batches of ${BATCH}, ${CONCURRENCY} at once, median of ${ROUNDS} rounds, 2-core machine\n`,
    );
    line('raw kafkajs produce → consume', `${raw.rate.toFixed(0)} events/s  ${cpu(raw)}`);
    line('  the same with the CloudEvents headers', `${envelope.rate.toFixed(0)} events/s  ${cpu(envelope)}`);
    line(
      'outbox → relay → Kafka → consumer with inbox',
      `${backbone.rate.toFixed(0)} events/s  ${cpu(backbone)}`,
    );
    line('ratio (target ≥ 60 %)', `${(ratio * 100).toFixed(1)} %`);
    line(
      '  of raw with the same headers',
      `${((backbone.rate / envelope.rate) * 100).toFixed(1)} % (the headers alone: ${((envelope.rate / raw.rate) * 100).toFixed(1)} % of raw)`,
    );
    process.stdout.write(
      'BENCH_RESULT ' +
        JSON.stringify({
          bench: 'outbox',
          events: N,
          rounds: ROUNDS,
          rawPerSecond: raw.rate,
          rawWithEnvelopePerSecond: envelope.rate,
          backbonePerSecond: backbone.rate,
          ratio,
          ratioToRawWithEnvelope: backbone.rate / envelope.rate,
          rawCpuUsPerEvent: raw.cpu.usPerUnit,
          rawWithEnvelopeCpuUsPerEvent: envelope.cpu.usPerUnit,
          backboneCpuUsPerEvent: backbone.cpu.usPerUnit,
          cpuUsPerEventByProgram: {
            raw: raw.cpu.usPerUnitByProgram,
            rawWithEnvelope: envelope.cpu.usPerUnitByProgram,
            backbone: backbone.cpu.usPerUnitByProgram,
          },
          rawMachineBusy: raw.cpu.busy,
          backboneMachineBusy: backbone.cpu.busy,
        }) +
        '\n',
    );
  } finally {
    for (const p of pipelines) await p.close();
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
