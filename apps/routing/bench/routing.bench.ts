/**
 * `npm run bench:routing`: messages per second from `submission.ready` (Kafka) to delivered at the
 * Fachverfahren simulator (HTTP push), per format, with the share of time spent validating; the same for
 * fit-connect-json over the fit-connect channel up to the submitted submission at the Zustelldienst
 * simulator, with the share spent in JOSE (encryption; SET checks happen at follow-up); then the
 * delivery-path XSD validator (libxml2-wasm, compiled once) against xmllint-wasm and the native xmllint on
 * the very messages that were delivered, in the same run. Sized for 2 cores (`--messages=N` per format).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { submissionReadyV1, TOPICS } from '@amtsbote/contracts';
import { createKafka, ensureTopics, newEvent, toKafkaMessage } from '@amtsbote/messaging';
import { KAFKA_BROKERS } from '@amtsbote/testing';
import {
  type CompiledSchemaSet,
  fimDataSchemaSet,
  fimMessageSchemaSet,
  fitConnectMetadataSchema,
  Libxml2Engine,
  NativeXmllintEngine,
  nativeXmllintPath,
  type SchemaSet,
  XmllintWasmEngine,
  type XsdEngine,
  xdomeaSchemaSet,
} from '@amtsbote/xoev';
import { register } from 'prom-client';
import {
  api,
  AttachmentServer,
  blaueKartePrepared,
  destinationBody,
  LEIKA,
  publishBlaueKarte,
  readyPayload,
  type ReceivedMessage,
  SCHEMA_DIR,
  simulatorModule,
  startRouting,
  tokens,
} from '../test/harness';
import { fitConnectTarget, joseSeconds } from './fit-connect-target';

/** `--messages=N` (per format), `--samples=N` (reference validators), `--concurrency=N` (delivery worker). */
const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split('=')[1]);
};
const N = arg('messages', 300);
const WARMUP = 20;
const REFERENCE_SAMPLES = arg('samples', 15);
const SECRET = 'benchmark-secret-benchmark-secret-benchmark-secret';
const FORMATS = [
  ['xdomea-3.0', '04'],
  ['fim-xml', '05'],
  ['fit-connect-json', '06'],
] as const;

/** The fourth row: fit-connect-json over the fit-connect channel (Submission API v2, JWE per part). */
const FIT_CONNECT_ARS = '07';

const out = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 2) => n.toFixed(digits);

async function histogramSum(name: string, format: string): Promise<{ sum: number; count: number }> {
  const metric = register.getSingleMetric(name);
  if (metric === undefined) return { sum: 0, count: 0 };
  const values = (await metric.get()).values;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (v.labels.format !== format) continue;
    const metricName = (v as { metricName?: string }).metricName;
    if (metricName === `${name}_sum`) sum += v.value;
    if (metricName === `${name}_count`) count += v.value;
  }
  return { sum, count };
}

function stats(ms: number[]): { mean: number; p50: number; p95: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    p50: sorted[Math.floor(sorted.length / 2)],
    p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))],
  };
}

async function timeEngine(
  engine: XsdEngine,
  set: SchemaSet,
  docs: string[],
): Promise<{ compileMs: number; ms: number[]; valid: boolean }> {
  const t0 = performance.now();
  const compiled: CompiledSchemaSet = await engine.compile(set);
  const compileMs = performance.now() - t0;
  const ms: number[] = [];
  let valid = true;
  for (const doc of docs) {
    const t = performance.now();
    const report = await compiled.validate(doc);
    ms.push(performance.now() - t);
    valid &&= report.valid;
  }
  compiled.dispose();
  return { compileMs, ms, valid };
}

async function main(): Promise<void> {
  out(
    `routing benchmark: ${N} messages per format (after ${WARMUP} warm-up), one 20 KiB attachment each, HTTP push`,
  );
  const fc = await fitConnectTarget(FIT_CONNECT_ARS);
  const r = await startRouting('bench_routing', {
    ...fc.env,
    LOG_LEVEL: 'error',
    DATABASE_POOL_SIZE: '10',
    ROUTING_DELIVERY_CONCURRENCY: String(arg('concurrency', 8)),
    ROUTING_DELIVERY_BATCH: '32',
    ROUTING_DELIVERY_POLL_MS: '20',
  });
  // The simulator only verifies signatures, hashes and unpacks here: its reference validation (xmllint-wasm,
  // ~100+ ms per message) would measure the simulator, not routing. Validators are compared below instead.
  const sim = await simulatorModule.FachverfahrenSimulator.start({
    secret: SECRET,
    validate: () => ({ valid: true, checked: [], problems: [] }),
  });
  const files = await AttachmentServer.start();
  const kafka = createKafka({ brokers: [...KAFKA_BROKERS], clientId: 'amtsbote-routing-bench' });
  const topic = r.topicPrefix + TOPICS.submission;
  await ensureTopics(kafka, [topic], { partitions: 2, replicationFactor: 1, retryLevels: 0 });
  const producer = kafka.producer();
  await producer.connect();
  const delivered: Record<string, ReceivedMessage[]> = {};
  const result = {
    bench: 'routing',
    messagesPerFormat: N,
    formats: {} as Record<
      string,
      { perSecond: number; buildMs: number; validationMs: number; validationShare: number }
    >,
    fitConnect: undefined as
      | {
          perSecond: number;
          joseMsAlone: number;
          joseShare: number;
          joseWallMsInRun: number;
          validationShare: number;
        }
      | undefined,
    validators: {} as Record<
      string,
      Record<string, { compileMs: number; meanMs: number; p50Ms: number; p95Ms: number }>
    >,
  };
  try {
    const admin = await tokens.admin();
    await publishBlaueKarte(r.topicPrefix);
    for (const [format, ars] of FORMATS) {
      const id = `hb-bench-${format.replace(/[^a-z]/g, '')}`;
      const created = await api(r.url, 'POST', '/destinations', admin, {
        ...destinationBody({ id, format, channel: 'http-push', endpointUrl: sim.inboxUrl }),
        secret: SECRET,
      });
      if (created.status !== 201) throw new Error(created.text);
      await api(r.url, 'POST', '/routes', admin, { leikaKey: LEIKA, ars, destinationId: id });
    }
    const fcCreated = await api(r.url, 'POST', '/destinations', admin, {
      ...destinationBody({ id: 'hb-bench-fitconnect', format: 'fit-connect-json', channel: 'http-push' }),
      channel: 'fit-connect',
      channelSettings: fc.channelSettings,
    });
    if (fcCreated.status !== 201) throw new Error(fcCreated.text);
    await api(r.url, 'POST', '/routes', admin, {
      leikaKey: LEIKA,
      ars: FIT_CONNECT_ARS,
      destinationId: 'hb-bench-fitconnect',
    });
    const attachment = Buffer.alloc(20 * 1024, 7);
    const publish = async (ars: string, count: number) => {
      const batch = Array.from({ length: count }, () => {
        const data = readyPayload({
          ars: `${ars}0110000000`,
          attachments: [files.add('Nachweis.pdf', 'application/pdf', attachment)],
        });
        return toKafkaMessage(
          newEvent({
            id: randomUUID(),
            type: submissionReadyV1.type,
            source: 'urn:amtsbote:bench',
            subject: data.submissionId,
            tenant: 'hb',
            data,
          }),
        );
      });
      for (let i = 0; i < batch.length; i += 100)
        await producer.send({ topic, acks: -1, messages: batch.slice(i, i + 100) });
    };
    const receivedFor = (destinationId: string) =>
      [...sim.received.values()].filter((m) => m.envelope.destinationId === destinationId);

    out();
    out(
      'format            msgs/s   p. message   build (mean)   XSD/JSON validation (mean)   validation share of wall time',
    );
    for (const [format, ars] of FORMATS) {
      const destinationId = `hb-bench-${format.replace(/[^a-z]/g, '')}`;
      await publish(ars, WARMUP);
      await sim.waitFor(() => receivedFor(destinationId).length >= WARMUP, 120_000, `${format} warm-up`);
      const v0 = await histogramSum('amtsbote_routing_validation_seconds', format);
      const b0 = await histogramSum('amtsbote_routing_build_seconds', format);
      const start = performance.now();
      await publish(ars, N);
      await sim.waitFor(() => receivedFor(destinationId).length >= WARMUP + N, 600_000, `${format} delivery`);
      const wall = (performance.now() - start) / 1000;
      const v1 = await histogramSum('amtsbote_routing_validation_seconds', format);
      const b1 = await histogramSum('amtsbote_routing_build_seconds', format);
      const validation = v1.sum - v0.sum;
      const build = b1.sum - b0.sum;
      delivered[format] = receivedFor(destinationId);
      result.formats[format] = {
        perSecond: N / wall,
        buildMs: (build * 1000) / N,
        validationMs: (validation * 1000) / (v1.count - v0.count),
        validationShare: validation / wall,
      };
      out(
        `${format.padEnd(17)} ${fmt(N / wall, 1).padStart(6)}   ${fmt((wall * 1000) / N).padStart(7)} ms   ${fmt((build * 1000) / N, 3).padStart(8)} ms   ${fmt((validation * 1000) / (v1.count - v0.count), 3).padStart(10)} ms × ${((v1.count - v0.count) / N).toFixed(0)} per message   ${fmt((100 * validation) / wall).padStart(6)} %`,
      );
    }

    {
      // The same messages (fit-connect-json, one 20 KiB attachment) over FIT-Connect: create, upload the
      // attachment, submit metadata and data, each part a JWE (RSA-OAEP-256 + A256GCM) to a 4096-bit key.
      await publish(FIT_CONNECT_ARS, WARMUP);
      await sim.waitFor(() => fc.submitted() >= WARMUP, 120_000, 'fit-connect warm-up');
      const j0 = await joseSeconds();
      const v0 = await histogramSum('amtsbote_routing_validation_seconds', 'fit-connect-json');
      const start = performance.now();
      await publish(FIT_CONNECT_ARS, N);
      await sim.waitFor(() => fc.submitted() >= WARMUP + N, 600_000, 'fit-connect delivery');
      const wall = (performance.now() - start) / 1000;
      const j1 = await joseSeconds();
      const v1 = await histogramSum('amtsbote_routing_validation_seconds', 'fit-connect-json');
      // Overlapping: with concurrent deliveries these intervals include waiting for the CPU.
      const joseWall = (j1.encrypt ?? 0) - (j0.encrypt ?? 0) + ((j1.verify ?? 0) - (j0.verify ?? 0));
      const validation = v1.sum - v0.sum;
      const alone = stats(await fc.joseAlone(Math.min(N, 100)));
      const joseShare = (alone.mean / 1000) * (N / wall);
      result.fitConnect = {
        perSecond: N / wall,
        joseMsAlone: alone.mean,
        joseShare,
        joseWallMsInRun: (joseWall * 1000) / N,
        validationShare: validation / wall,
      };
      out(
        `fit-connect (v2)  ${fmt(N / wall, 1).padStart(6)}   ${fmt((wall * 1000) / N).padStart(7)} ms   JOSE ${fmt(alone.mean, 3)} ms per message alone (3 JWE, p95 ${fmt(alone.p95, 3)})   JOSE share of wall time ${fmt(100 * joseShare)} %   validation share ${fmt((100 * validation) / wall)} %`,
      );
      out(
        `                  (in the run, JOSE calls took ${fmt((joseWall * 1000) / N, 1)} ms per message of overlapping wall time: ${arg('concurrency', 8)} deliveries share 2 cores)`,
      );
    }

    out();
    out(
      `XSD validators on the same delivered messages (libxml2-wasm: all ${N}; references: first ${REFERENCE_SAMPLES})`,
    );
    const xdomea = delivered['xdomea-3.0'].map((m) => m.xml!.message);
    const antrag = delivered['xdomea-3.0'].map((m) => m.xml!.antrag!);
    const fimXml = delivered['fim-xml'].map((m) => m.xml!.message);
    const cases: Array<[string, SchemaSet, string[]]> = [
      ['xdomea 3.0.0 message', xdomeaSchemaSet(SCHEMA_DIR), xdomea],
      ['FIM-XML Antrag (BlaueKarte)', fimDataSchemaSet(blaueKartePrepared), antrag],
      ['fim-xml (G2G header + FIM)', fimMessageSchemaSet(blaueKartePrepared, SCHEMA_DIR), fimXml],
    ];
    const native = nativeXmllintPath();
    const engines: Array<[string, XsdEngine | undefined]> = [
      ['libxml2-wasm (compiled once)', new Libxml2Engine()],
      ['xmllint-wasm (per call)', new XmllintWasmEngine()],
      ['xmllint native (per call)', native === undefined ? undefined : new NativeXmllintEngine(native)],
    ];
    if (native === undefined)
      out('  native xmllint: not installed (apt-get install libxml2-utils) — comparison skipped');
    for (const [label, set, docs] of cases) {
      out(`  ${label}:`);
      let base = 0;
      for (const [name, engine] of engines) {
        if (engine === undefined) continue;
        const sample = name.startsWith('libxml2') ? docs : docs.slice(0, REFERENCE_SAMPLES);
        const t = await timeEngine(engine, set, sample);
        const s = stats(t.ms);
        if (name.startsWith('libxml2')) base = s.mean;
        (result.validators[label] ??= {})[name] = {
          compileMs: t.compileMs,
          meanMs: s.mean,
          p50Ms: s.p50,
          p95Ms: s.p95,
        };
        out(
          `    ${name.padEnd(30)} compile ${fmt(t.compileMs, 1).padStart(7)} ms   validate mean ${fmt(s.mean, 3).padStart(9)} ms  p50 ${fmt(s.p50, 3).padStart(9)} ms  p95 ${fmt(s.p95, 3).padStart(9)} ms  ×${fmt(s.mean / base, 0).padStart(5)}  ${t.valid ? 'all valid' : 'INVALID'}`,
        );
      }
    }
    const metadata = fitConnectMetadataSchema(SCHEMA_DIR, '2.1.0');
    const docs = delivered['fit-connect-json'].map((m) => m.metadata);
    const times = docs.map((d) => {
      const t = performance.now();
      metadata.validate(d);
      return performance.now() - t;
    });
    const s = stats(times);
    out(
      `  FIT-Connect metadata (JSON Schema, ajv compiled once): validate mean ${fmt(s.mean, 3)} ms  p50 ${fmt(s.p50, 3)} ms`,
    );
    out(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    await producer.disconnect();
    await sim.stop();
    await files.close();
    await r.close();
    await fc.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
