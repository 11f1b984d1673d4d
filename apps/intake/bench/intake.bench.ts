/**
 * `npm run bench:intake`: accepted submissions per second end to end — HTTP → auth → FIM validation →
 * PostgreSQL commit with the outbox → relay → Kafka (acks=all) — measured with autocannon on loopback, against
 * baselines in the same run: the same HTTP framework answering a trivial route (the service's own
 * `/health/live`), raw PostgreSQL insert transactions, and raw kafkajs produce. Not a test.
 *
 * The service runs as its own process (as in production), autocannon in this one; sized for 2 cores.
 * BENCH_SECONDS (default 12) per phase, BENCH_CONNECTIONS (default 16); BENCH_NODE_ARGS are passed to the
 * service's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createKafka, ensureTopics } from '@amtsbote/messaging';
import { loadConfig } from '@amtsbote/platform';
import {
  describeCpu,
  freshDatabase,
  KAFKA_BROKERS,
  mintToken,
  OIDC_ISSUER,
  serviceTestEnv,
  type ServiceProcess,
  startServiceProcess,
  type TestDatabase,
  uniqueName,
  withMachineCpu,
} from '@amtsbote/testing';
import { Pool } from 'pg';
import { z } from 'zod';
import { DATABASE_SCHEMA } from '../src/service';
import { DEMO_SCHEMA_ID, demoData, demoSchemaXml } from '../test/fixtures/demo-schema';

const settings = loadConfig(
  z.object({
    BENCH_SECONDS: z.coerce.number().positive().default(12),
    BENCH_CONNECTIONS: z.coerce.number().int().positive().default(16),
    BENCH_NODE_ARGS: z.string().default(''),
  }),
);
const SECONDS = settings.BENCH_SECONDS;
const CONNECTIONS = settings.BENCH_CONNECTIONS;
const POOL = 10;
const LEIKA = '99050012104000';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(url: string, bearer: string, body: unknown, contentType = 'application/json') {
  const r = await fetch(url, {
    method: url.includes('/admin/') && !url.includes('fim-schemas') ? 'PUT' : 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (r.status >= 300) throw new Error(`${url}: ${r.status} ${await r.text()}`);
}

/** Raw PostgreSQL: one INSERT of a submission-sized row per transaction, as many in parallel as connections. */
async function rawPostgres(url: string, payload: string): Promise<number> {
  const pool = new Pool({ connectionString: url, max: POOL });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id uuid PRIMARY KEY, data jsonb NOT NULL)');
  let done = 0;
  const end = Date.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query('INSERT INTO bench_raw (id, data) VALUES ($1, $2::jsonb)', [randomUUID(), payload]);
          await c.query('COMMIT');
          done++;
        } finally {
          c.release();
        }
      }
    }),
  );
  const rate = done / ((performance.now() - start) / 1000);
  await pool.end();
  return rate;
}

/** Raw kafkajs: one awaited acks=all produce of an event-sized message per call, in parallel. */
async function rawKafka(prefix: string, payload: string): Promise<number> {
  const kafka = createKafka({ brokers: [...KAFKA_BROKERS], clientId: 'amtsbote-bench-raw' });
  const topic = `${prefix}raw.bench`;
  await ensureTopics(kafka, [topic], { partitions: 3, replicationFactor: 1, retryLevels: 0 });
  const producer = kafka.producer();
  await producer.connect();
  let done = 0;
  const end = Date.now() + SECONDS * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, worker) => {
      let n = 0;
      while (Date.now() < end) {
        await producer.send({ topic, acks: -1, messages: [{ key: `k${worker}-${n++}`, value: payload }] });
        done++;
      }
    }),
  );
  const rate = done / ((performance.now() - start) / 1000);
  await producer.disconnect();
  return rate;
}

async function main(): Promise<void> {
  let db: TestDatabase | undefined;
  let intake: ServiceProcess | undefined;
  const storage = mkdtempSync(path.join(tmpdir(), 'intake-bench-'));
  try {
    db = await freshDatabase('intake_bench');
    const prefix = `${uniqueName('bench-intake').replace(/_/g, '-')}.`;
    const env = {
      ...serviceTestEnv({ databaseUrl: db.url, topicPrefix: prefix }),
      LOG_LEVEL: 'fatal',
      DATABASE_POOL_SIZE: String(POOL),
      KAFKA_CLIENT_ID: 'amtsbote-intake-bench',
      INTAKE_STORAGE_DIR: storage,
      INTAKE_DOWNLOAD_URL_SECRET: 'bench-secret-0123456789abcdef0123456789',
      INTAKE_MAINTENANCE_INTERVAL_SECONDS: '0',
      // One load generator stands for many portals' citizens.
      RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    };
    const nodeArgs = settings.BENCH_NODE_ARGS.split(' ').filter((a) => a !== '');
    intake = await startServiceProcess('intake', env, { nodeArgs });
    const url = intake.url;

    const admin = await mintToken(OIDC_ISSUER, 'hb-catalog-admin');
    await post(`${url}/admin/tenants/hb`, admin, {
      kind: 'LAND',
      name: 'Freie Hansestadt Bremen',
      ars: '04',
    });
    await post(`${url}/admin/fim-schemas`, admin, demoSchemaXml(), 'application/xml');
    await post(`${url}/admin/tenants/hb/leistungen/${LEIKA}`, admin, {
      names: { de: 'Bewohnerparkausweis beantragen' },
      fimSchema: { id: DEMO_SCHEMA_ID, version: '1.0.0' },
      minTrustLevel: 3,
      regions: ['04'],
    });
    const citizen = await mintToken(OIDC_ISSUER, 'anna', { ttlSeconds: 3600 });
    const body = JSON.stringify({ tenant: 'hb', leikaKey: LEIKA, ars: '040110000000', data: demoData() });

    // Warm-up: JIT, connection pools, the compiled validator.
    await autocannon({ url: `${url}/health/live`, connections: CONNECTIONS, duration: 2 });
    await autocannon({
      url,
      connections: 4,
      duration: 2,
      requests: [
        {
          method: 'POST',
          path: '/submissions',
          headers: { authorization: `Bearer ${citizen}`, 'content-type': 'application/json' },
          body,
          setupRequest: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }),
        },
      ],
    });

    const http = await autocannon({ url: `${url}/health/live`, connections: CONNECTIONS, duration: SECONDS });
    const httpRate = http['2xx'] / http.duration;

    const sql = new Pool({ connectionString: db.url, max: 2 });
    const unpublished = async () =>
      Number(
        (await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "${DATABASE_SCHEMA}".outbox`)).rows[0].n,
      );
    while ((await unpublished()) > 0) await sleep(100);
    const before = Number(
      (await sql.query<{ n: string }>(`SELECT count(*) AS n FROM intake.submissions`)).rows[0].n,
    );
    const start = performance.now();
    const { result: submissions, cpu: intakeCpu } = await withMachineCpu(
      async () => {
        const result = await autocannon({
          url,
          connections: CONNECTIONS,
          duration: SECONDS,
          requests: [
            {
              method: 'POST',
              path: '/submissions',
              headers: { authorization: `Bearer ${citizen}`, 'content-type': 'application/json' },
              body,
              setupRequest: (req) => ({
                ...req,
                headers: { ...req.headers, 'idempotency-key': randomUUID() },
              }),
            },
          ],
        });
        while ((await unpublished()) > 0) await sleep(20);
        return result;
      },
      (result) => result['2xx'],
    );
    const elapsed = (performance.now() - start) / 1000;
    const after = Number(
      (await sql.query<{ n: string }>(`SELECT count(*) AS n FROM intake.submissions`)).rows[0].n,
    );
    await sql.end();
    // Requests still in flight when autocannon stops are answered and stored but not counted by it.
    const answered = submissions.statusCodeStats['201']?.count ?? 0;
    const accepted = after - before;
    if (accepted < answered || accepted > answered + CONNECTIONS) {
      throw new Error(`${answered} answered 201 but ${accepted} stored`);
    }
    const other = Object.entries(submissions.statusCodeStats).filter(([code]) => code !== '201');
    const intakeRate = accepted / elapsed;

    const eventSized = JSON.stringify({ ...JSON.parse(body), note: 'x'.repeat(600) });
    const dbUrl = db.url;
    const { result: pgRate, cpu: pgCpu } = await withMachineCpu(
      () => rawPostgres(dbUrl, eventSized),
      (rate) => rate * SECONDS,
    );
    const kafkaRate = await rawKafka(prefix, eventSized);

    const baselines = {
      'HTTP trivial route (Nest + Fastify)': httpRate,
      'raw PostgreSQL insert tx': pgRate,
      'raw kafkajs produce (acks=all)': kafkaRate,
    };
    const [slowestName, slowest] = Object.entries(baselines).sort((a, b) => a[1] - b[1])[0];
    const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(52)} ${v}\n`);
    process.stdout.write(
      `\nbench:intake — ${SECONDS} s per phase, ${CONNECTIONS} connections, pool ${POOL}, loopback, ${process.arch} ×${(await import('node:os')).cpus().length}\n`,
    );
    for (const [name, rate] of Object.entries(baselines)) line(`baseline: ${name}`, `${rate.toFixed(0)} /s`);
    line(
      'intake: accepted submissions end to end',
      `${intakeRate.toFixed(0)} /s  (${accepted} in ${elapsed.toFixed(1)} s incl. relay to Kafka; p50 ${submissions.latency.p50} ms, p99 ${submissions.latency.p99} ms${other.length ? `; other answers ${JSON.stringify(Object.fromEntries(other))}` : ''}${submissions.errors ? `; errors ${submissions.errors}` : ''})`,
    );
    line('  machine CPU per accepted submission', describeCpu(intakeCpu, 'submission'));
    line('  machine CPU per raw insert tx', describeCpu(pgCpu, 'tx'));
    for (const [name, rate] of Object.entries(baselines))
      line(`ratio to ${name}`, `${((intakeRate / rate) * 100).toFixed(1)} %`);
    line(
      `ratio to the slowest baseline (target ≥ 50 %)`,
      `${((intakeRate / slowest) * 100).toFixed(1)} % (${slowestName})`,
    );
    process.stdout.write(
      'BENCH_RESULT ' +
        JSON.stringify({
          bench: 'intake',
          seconds: SECONDS,
          connections: CONNECTIONS,
          httpTrivialPerSecond: httpRate,
          rawPostgresPerSecond: pgRate,
          rawKafkaPerSecond: kafkaRate,
          intakeAcceptedPerSecond: intakeRate,
          ratioToSlowest: intakeRate / slowest,
          cpuUsPerSubmission: intakeCpu.usPerUnit,
          cpuUsPerSubmissionByProgram: intakeCpu.usPerUnitByProgram,
          cpuUsPerRawInsertTx: pgCpu.usPerUnit,
        }) +
        '\n',
    );
  } finally {
    await intake?.stop();
    await db?.drop();
    rmSync(storage, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
