/**
 * `npm run bench:journey`: the whole journey under load. Latency from submit (intake answered 201) to
 * delivered (the Fachverfahren simulator received the message; its receive time) at fixed offered rates,
 * then the maximum sustained rate. Not a test.
 *
 * Open loop: submission i leaves at t0 + i/rate whether or not earlier ones were answered, so a system that
 * slows down cannot slow the generator down with it and hide its own latency (coordinated omission). Each
 * phase also reports the latency from the scheduled send, which adds intake's answer time and any lag of
 * the generator, and that lag itself.
 *
 * The four services run as child processes (`startServiceProcess`), not in-process through `startSystem`:
 * in one process the four services, the generator and the simulator would share one event loop, so one of
 * the machine's cores, and the generator's schedule would slip whenever the services are busy. Separate
 * processes are how the services are deployed and let the OS spread them over the cores. They run with
 * their production defaults (delivery poll, pools, partitions); only addresses, storage and schema
 * directories are set. The generator and the Fachverfahren simulator run here, so submit and receive times
 * come from one clock. The simulator verifies signatures, hashes and unpacks the ZIP but skips its
 * reference XSD validation (routing validated the message before sending; xmllint-wasm here would measure
 * the simulator) and does not answer (no receipts or Bescheide): measured is the way in.
 *
 * Setup as in `seedDemo`, through the APIs, but without the fee, so a submission goes from intake through
 * payment ("no fee") straight to routing. Every submission needs its own proof-of-residence PDF (the FIM
 * schema requires one and intake binds it to one submission); they are uploaded before each phase, outside
 * the measurement, by the citizens anna, clara and dora, whose tokens are minted once.
 *
 * Settings (environment): BENCH_JOURNEY_RATES (default 50,100 submissions/s), BENCH_JOURNEY_SECONDS (60 per
 * rate), BENCH_JOURNEY_LADDER (offered rates of the search for the maximum sustained rate, default
 * 10,20,30,…; `none` to skip), BENCH_JOURNEY_STEP_SECONDS (20 per step), BENCH_JOURNEY_P99_BOUND_MS (2000),
 * BENCH_JOURNEY_DRAIN_SECONDS (60: how long after the last send deliveries still count),
 * BENCH_JOURNEY_WARMUP_SECONDS (5, at 10/s, not reported), BENCH_JOURNEY_SERVICE_ENV (settings given to every
 * service to try a tuning, e.g. `ROUTING_DELIVERY_CONCURRENCY=16,ROUTING_DELIVERY_POLL_MS=50`; default none),
 * BENCH_JOURNEY_COST_RATE / BENCH_JOURNEY_COST_SECONDS (20/s for 30 s; 0 s skips it: the cost phase, see
 * below), BENCH_JOURNEY_IDLE_SECONDS (10: the services' cost with nothing to do, per second), BENCH_JOURNEY_NODE_ARGS (given to every service's node, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`; `node scripts/cpuprofile-top.mjs /tmp/prof` summarises),
 * BENCH_JOURNEY_RECOVERY (3000 submissions, of which ~2000 are still a backlog at the stop; 0 skips) / BENCH_JOURNEY_RECOVERY_RATE (200/s offered) /
 * BENCH_JOURNEY_RECOVERY_DOWN_SECONDS (5): the last phase, see `journey-recovery.ts` — a burst, PostgreSQL
 * stopped and started, the backlog's drain counted over time against the ladder's sustained rate.
 *
 * Cost: after the warm-up, a phase at a modest rate measures what one journey costs (`journey-cost.ts`):
 * machine CPU by process and service, PostgreSQL statements and transactions and Kafka requests per
 * journey and service, from the first submission until every service is quiet again. Every other phase
 * reports its CPU per journey too (measured until the last delivery). The services' time to ready (spawn to
 * `/health/ready`, started one after the other) is reported as well.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@amtsbote/platform';
import {
  devSchemaDir,
  FachverfahrenSimulator,
  freshDatabase,
  mintToken,
  OIDC_ISSUER,
  type ServiceName,
  type ServiceProcess,
  serviceTestEnv,
  startServiceProcess,
  TEST_METRICS_TOKEN,
  type TestDatabase,
  uniqueName,
} from '@amtsbote/testing';
import { z } from 'zod';
import { DEMO, formData, type JourneyTargets, openDraft, seedDemo, uploadPdf } from '../journeys/journey';
import { CostMeter, describeCost, type JourneyCost } from './journey-cost';
import { describeRecovery, recoveryPhase, type RecoveryResult } from './journey-recovery';
import { HEADER, notSustained, percentiles, type PhaseResult, refusalKey, row } from './journey-report';

/** `50,100` → [50, 100]; `none` → []. */
const rateList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => (s === 'none' ? [] : s.split(',').map(Number)))
    .pipe(z.array(z.number().positive()));
const settings = loadConfig(
  z.object({
    BENCH_JOURNEY_RATES: rateList('50,100'),
    BENCH_JOURNEY_SECONDS: z.coerce.number().positive().default(60),
    BENCH_JOURNEY_LADDER: rateList('10,20,30,40,50,60,80,100,150,200'),
    BENCH_JOURNEY_STEP_SECONDS: z.coerce.number().positive().default(20),
    BENCH_JOURNEY_P99_BOUND_MS: z.coerce.number().positive().default(2000),
    BENCH_JOURNEY_DRAIN_SECONDS: z.coerce.number().positive().default(60),
    BENCH_JOURNEY_WARMUP_SECONDS: z.coerce.number().min(0).default(5),
    BENCH_JOURNEY_COST_RATE: z.coerce.number().positive().default(20),
    BENCH_JOURNEY_COST_SECONDS: z.coerce.number().min(0).default(30),
    BENCH_JOURNEY_IDLE_SECONDS: z.coerce.number().min(0).default(10),
    BENCH_JOURNEY_RECOVERY: z.coerce.number().int().min(0).default(3000),
    BENCH_JOURNEY_RECOVERY_RATE: z.coerce.number().positive().default(200),
    BENCH_JOURNEY_RECOVERY_DOWN_SECONDS: z.coerce.number().positive().default(5),
    BENCH_JOURNEY_NODE_ARGS: z.string().default(''),
    BENCH_JOURNEY_SERVICE_ENV: z
      .string()
      .default('')
      .transform((s): Record<string, string> =>
        Object.fromEntries(
          s.split(',').flatMap((kv) => (kv ? [[kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]] : [])),
        ),
      )
      .pipe(z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string())),
  }),
);
/** A step sustains its rate when deliveries keep up with at least this share of it. */
const MIN_DELIVERED_RATIO = 0.95;
const CITIZENS = ['anna', 'clara', 'dora'] as const;
const SERVICES: ServiceName[] = ['intake', 'accounts', 'payment', 'routing'];
/** Uploads in flight while preparing a phase. */
const PREP_CONCURRENCY = 6;

const out = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Prepared {
  token: string;
  body: string;
}

interface Sent {
  scheduledAt: number;
  sentAt?: number;
  answeredAt?: number;
  status?: number;
  /** Why a request got no answer (the fetch error's cause). */
  error?: string;
  submissionId?: string;
}

class JourneyBench {
  private readonly tokens = new Map<string, string>();
  private drafts = 0;

  constructor(
    private readonly t: JourneyTargets,
    private readonly sim: FachverfahrenSimulator,
    private readonly meter: CostMeter,
  ) {}

  async mintTokens(): Promise<void> {
    // Long-lived, so the whole run needs no token endpoint in the measured path.
    for (const c of CITIZENS) this.tokens.set(c, await mintToken(this.t.issuer, c, { ttlSeconds: 4 * 3600 }));
  }

  /** One draft per citizen and three uploads (the Leistung's maximum per draft) per draft, until `n`. */
  async prepare(n: number): Promise<Prepared[]> {
    const prepared: Prepared[] = [];
    let next = 0;
    const lane = async () => {
      while (next < n) {
        const batch = Math.min(3, n - next);
        next += batch;
        const number = this.drafts++;
        const citizen = CITIZENS[number % CITIZENS.length];
        const token = this.tokens.get(citizen)!;
        const { draftId } = await openDraft(this.t, { token });
        for (let i = 0; i < batch; i++) {
          const file = await uploadPdf(
            this.t,
            { token },
            draftId,
            'meldebescheinigung.pdf',
            `Meldebescheinigung ${citizen} ${number}-${i}`,
          );
          const body = JSON.stringify({
            tenant: DEMO.tenant,
            leikaKey: DEMO.leikaKey,
            ars: DEMO.ars,
            data: formData(file),
          });
          prepared.push({ token, body });
        }
      }
    };
    await Promise.all(Array.from({ length: PREP_CONCURRENCY }, lane));
    return prepared;
  }

  /** Sends `prepared` open-loop at `rate` per second; resolves when every request has been answered. */
  async offer(prepared: Prepared[], rate: number): Promise<Sent[]> {
    const sent: Sent[] = [];
    const answers: Array<Promise<void>> = [];
    const t0 = Date.now() + 50;
    const fire = (i: number) => {
      const s = sent[i];
      s.sentAt = Date.now();
      const p = prepared[i];
      answers.push(
        fetch(`${this.t.intake}/submissions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${p.token}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: p.body,
        }).then(
          async (res) => {
            s.answeredAt = Date.now();
            s.status = res.status;
            const text = await res.text();
            if (res.status === 201)
              s.submissionId = (JSON.parse(text) as { submissionId: string }).submissionId;
          },
          (err: unknown) => {
            s.status = 0;
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            s.error = cause?.code ?? cause?.message ?? String(err);
          },
        ),
      );
    };
    for (let i = 0; i < prepared.length; i++) sent.push({ scheduledAt: t0 + (i * 1000) / rate });
    let next = 0;
    while (next < sent.length) {
      const now = Date.now();
      while (next < sent.length && sent[next].scheduledAt <= now) fire(next++);
      if (next < sent.length) await sleep(Math.max(0, Math.min(5, sent[next].scheduledAt - Date.now())));
    }
    await Promise.all(answers);
    return sent;
  }

  /** Waits until every accepted submission of `sent` reached the simulator or `untilMs` (epoch) passed. */
  private awaitDeliveries(sent: Sent[], untilMs: number): Promise<Map<string, number>> {
    return this.deliveries(
      sent.flatMap((s) => (s.submissionId ? [s.submissionId] : [])),
      untilMs,
    );
  }

  /** When each of `ids` reached the simulator, waiting until all did or `untilMs` (epoch) passed. */
  async deliveries(ids: readonly string[], untilMs: number): Promise<Map<string, number>> {
    const wanted = new Set(ids);
    const delivered = new Map<string, number>();
    const seen = new Set<string>();
    for (;;) {
      for (const m of this.sim.received.values()) {
        if (seen.has(m.messageId)) continue;
        seen.add(m.messageId);
        if (wanted.has(m.envelope.submissionId))
          delivered.set(m.envelope.submissionId, m.receivedAt.getTime());
      }
      if (delivered.size >= wanted.size || Date.now() > untilMs) return delivered;
      await sleep(100);
    }
  }

  /**
   * `untilQuiet`: the cost is measured until every accepted submission is delivered (waiting up to 10 min)
   * and the services are quiet, not only until the last delivery of the drain time.
   */
  async phase(rate: number, seconds: number, label: string, untilQuiet = false): Promise<PhaseResult> {
    const n = Math.max(1, Math.round(rate * seconds));
    const prepStart = Date.now();
    const prepared = await this.prepare(n);
    process.stderr.write(
      `  ${label}: ${n} uploads prepared in ${((Date.now() - prepStart) / 1000).toFixed(1)} s, offering ${rate}/s for ${seconds} s…\n`,
    );
    await sleep(1000);
    await this.meter.start();
    const sent = await this.offer(prepared, rate);
    const lastScheduled = sent[sent.length - 1].scheduledAt;
    const delivered = await this.awaitDeliveries(
      sent,
      lastScheduled + (untilQuiet ? 600 : settings.BENCH_JOURNEY_DRAIN_SECONDS) * 1000,
    );
    if (untilQuiet) await this.meter.quiet();
    const cost = await this.meter.stop(delivered.size);

    const refused: Record<string, number> = {};
    const fromSubmit: number[] = [];
    const fromSchedule: number[] = [];
    const answer: number[] = [];
    const lag: number[] = [];
    for (const s of sent) {
      lag.push((s.sentAt ?? s.scheduledAt) - s.scheduledAt);
      if (s.status !== 201 || s.submissionId === undefined) {
        const key = refusalKey(s);
        refused[key] = (refused[key] ?? 0) + 1;
        continue;
      }
      answer.push(s.answeredAt! - s.scheduledAt);
      const at = delivered.get(s.submissionId) ?? Infinity;
      fromSubmit.push(at - s.answeredAt!);
      fromSchedule.push(at - s.scheduledAt);
    }
    const times = [...delivered.values()].sort((a, b) => a - b);
    const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 0;
    return {
      offeredPerSecond: rate,
      seconds,
      submitted: sent.length,
      accepted: fromSubmit.length,
      refused,
      delivered: delivered.size,
      undelivered: fromSubmit.length - delivered.size,
      deliveredPerSecond: span > 0 ? (times.length - 1) / span : 0,
      submitToDeliveredMs: percentiles(fromSubmit),
      scheduledToDeliveredMs: percentiles(fromSchedule),
      intakeAnswerMs: percentiles(answer),
      sendLagMs: percentiles(lag),
      cost,
    };
  }

  /** Before the next phase: everything accepted so far is delivered (or give up after `ms`). */
  async settle(accepted: number, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.sim.received.size < accepted) {
      if (Date.now() > deadline) return false;
      await sleep(200);
    }
    return true;
  }
}

async function main(): Promise<void> {
  let db: TestDatabase | undefined;
  let sim: FachverfahrenSimulator | undefined;
  const running: ServiceProcess[] = [];
  let meter: CostMeter | undefined;
  const dir = mkdtempSync(join(os.tmpdir(), 'amtsbote-journey-bench-'));
  try {
    db = await freshDatabase('journey_bench');
    const topicPrefix = `${uniqueName('bench-journey').replace(/_/g, '-')}.`;
    const destinationSecret = randomBytes(32).toString('base64url');
    sim = await FachverfahrenSimulator.start({
      secret: destinationSecret,
      validate: () => ({ valid: true, checked: [], problems: [] }),
    });
    const own: Record<ServiceName, Record<string, string>> = {
      intake: { INTAKE_STORAGE_DIR: join(dir, 'intake') },
      accounts: { ACCOUNTS_STORAGE_DIR: join(dir, 'accounts') },
      payment: {},
      routing: { XOEV_SCHEMA_DIR: devSchemaDir() },
    };
    const started = Date.now();
    // One after the other: their migrations share the database (each in its own schema).
    for (const name of SERVICES) {
      // Logs as in tests: quiet unless AMTSBOTE_TEST_LOG_LEVEL says otherwise.
      const env = serviceTestEnv({ databaseUrl: db.url, topicPrefix, extra: own[name] });
      // serviceTestEnv is tuned for fast tests; the benchmark measures the defaults a deployment gets.
      for (const k of ['DATABASE_POOL_SIZE', 'KAFKA_TOPIC_PARTITIONS', 'KAFKA_RETRY_DELAYS_MS'])
        delete env[k];
      // Three citizens stand for the offered load: the per-client rate limit would throttle them.
      env.RATE_LIMIT_REQUESTS_PER_MINUTE = '0';
      // /metrics is closed without a token; the cost meter scrapes with it.
      env.METRICS_TOKEN = TEST_METRICS_TOKEN;
      running.push(
        await startServiceProcess(
          name,
          { ...env, ...settings.BENCH_JOURNEY_SERVICE_ENV },
          { nodeArgs: settings.BENCH_JOURNEY_NODE_ARGS.split(' ').filter((a) => a !== '') },
        ),
      );
    }
    const readyMs = Object.fromEntries(running.map((s) => [s.name, s.readyMs]));
    process.stderr.write(`  ready after (spawn → /health/ready, ms): ${JSON.stringify(readyMs)}\n`);
    const url = (name: ServiceName) => running.find((s) => s.name === name)!.url;
    const targets: JourneyTargets = {
      issuer: OIDC_ISSUER,
      intake: url('intake'),
      accounts: url('accounts'),
      payment: url('payment'),
      routing: url('routing'),
      paymentSimulator: '', // no fee, no payment provider
      fachverfahren: sim.url,
      destinationSecret,
    };
    await seedDemo(targets, () => undefined, { fee: false });
    process.stderr.write(`  system up and seeded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    meter = new CostMeter(running, db.url);
    const bench = new JourneyBench(targets, sim, meter);
    await bench.mintTokens();
    let accepted = 0;
    const run = async (rate: number, seconds: number, label: string, untilQuiet = false) => {
      const r = await bench.phase(rate, seconds, label, untilQuiet);
      accepted += r.accepted;
      return r;
    };
    if (settings.BENCH_JOURNEY_WARMUP_SECONDS > 0) {
      await run(10, settings.BENCH_JOURNEY_WARMUP_SECONDS, 'warm-up');
      await meter.quiet();
    }
    let cost: PhaseResult | undefined;
    let idle: JourneyCost | undefined;
    if (settings.BENCH_JOURNEY_IDLE_SECONDS > 0) {
      // What the services do with nothing to do (polls, heartbeats), per second: the floor under the cost.
      await meter.start();
      await sleep(settings.BENCH_JOURNEY_IDLE_SECONDS * 1000);
      idle = await meter.stop(settings.BENCH_JOURNEY_IDLE_SECONDS);
      out(`\nidle, per second (polls, heartbeats):`);
      for (const line of describeCost(idle, SERVICES, 'second')) out(`  ${line}`);
    }
    if (settings.BENCH_JOURNEY_COST_SECONDS > 0) {
      const rate = settings.BENCH_JOURNEY_COST_RATE;
      cost = await run(rate, settings.BENCH_JOURNEY_COST_SECONDS, `cost at ${rate}/s`, true);
      out(`\ncost of a journey at ${rate}/s (submit until every service is quiet):`);
      for (const line of describeCost(cost.cost!, SERVICES)) out(`  ${line}`);
      out(HEADER);
      out(row(cost));
    }

    const cpus = os.cpus();
    out(
      `\nbench:journey — submit (201) → delivered at the Fachverfahren simulator; open loop, ${CITIZENS.length} citizens, four services as processes; ${cpus[0]?.model ?? '?'} ×${cpus.length}, node ${process.version}`,
    );
    out(`fixed rates, ${settings.BENCH_JOURNEY_SECONDS} s each (latencies in ms):`);
    out(HEADER);
    const fixed: PhaseResult[] = [];
    let stuck = false;
    for (const rate of settings.BENCH_JOURNEY_RATES) {
      const r = await run(rate, settings.BENCH_JOURNEY_SECONDS, `${rate}/s`);
      fixed.push(r);
      out(row(r));
      if (!(await bench.settle(accepted, 300_000))) {
        stuck = true;
        break;
      }
    }

    const ladder: Array<PhaseResult & { sustained: boolean; reason?: string }> = [];
    let maxSustained: number | null = null;
    let limitedBy: string | undefined;
    if (!stuck && settings.BENCH_JOURNEY_LADDER.length > 0) {
      out(
        `\nmaximum sustained rate: offered rate stepped up, ${settings.BENCH_JOURNEY_STEP_SECONDS} s per step; a step is sustained when every submission is accepted and delivered within ${settings.BENCH_JOURNEY_DRAIN_SECONDS} s, deliveries keep ≥ ${MIN_DELIVERED_RATIO * 100} % of the offered rate and p99 submit→delivered ≤ ${settings.BENCH_JOURNEY_P99_BOUND_MS} ms`,
      );
      out(HEADER);
      for (const rate of settings.BENCH_JOURNEY_LADDER) {
        const r = await run(rate, settings.BENCH_JOURNEY_STEP_SECONDS, `step ${rate}/s`);
        const reason = notSustained(r, {
          drainSeconds: settings.BENCH_JOURNEY_DRAIN_SECONDS,
          minDeliveredRatio: MIN_DELIVERED_RATIO,
          p99BoundMs: settings.BENCH_JOURNEY_P99_BOUND_MS,
        });
        ladder.push({ ...r, sustained: reason === undefined, reason });
        out(row(r, reason === undefined ? 'sustained' : `NOT sustained: ${reason}`));
        if (reason !== undefined) {
          limitedBy = `${rate}/s: ${reason}`;
          break;
        }
        // A sustained step left nothing behind, so the next one starts on an idle system.
        maxSustained = rate;
      }
      const top = settings.BENCH_JOURNEY_LADDER;
      out(
        maxSustained === null
          ? `maximum sustained rate: below ${top[0]}/s (${limitedBy})`
          : limitedBy === undefined
            ? `maximum sustained rate: ≥ ${maxSustained}/s (the ladder's top)`
            : `maximum sustained rate: ${maxSustained}/s (next step ${limitedBy})`,
      );
    }
    if (stuck)
      out('the system did not catch up within 5 min after a fixed-rate phase; the ladder was skipped');

    // Last: it stops PostgreSQL. Judged against the healthy sustained rate of the same run.
    let recovery: RecoveryResult | null = null;
    if (!stuck && settings.BENCH_JOURNEY_RECOVERY > 0 && (await bench.settle(accepted, 300_000))) {
      recovery = await recoveryPhase(bench, {
        submissions: settings.BENCH_JOURNEY_RECOVERY,
        rate: settings.BENCH_JOURNEY_RECOVERY_RATE,
        downSeconds: settings.BENCH_JOURNEY_RECOVERY_DOWN_SECONDS,
      });
      const saturated = Math.max(0, ...fixed.map((f) => f.deliveredPerSecond));
      out(`\nrecovery after a PostgreSQL restart under a backlog:`);
      out(`  ${describeRecovery(recovery, maxSustained)}`);
      if (saturated > 0)
        out(`  (the fixed phases delivered at most ${saturated.toFixed(1)}/s while overloaded)`);
    }

    out(
      `BENCH_RESULT ${JSON.stringify({
        bench: 'journey',
        citizens: CITIZENS.length,
        serviceEnv: settings.BENCH_JOURNEY_SERVICE_ENV,
        readyMs,
        cost: cost ?? null,
        idlePerSecond: idle ?? null,
        fixed,
        ladder: {
          stepSeconds: settings.BENCH_JOURNEY_STEP_SECONDS,
          drainSeconds: settings.BENCH_JOURNEY_DRAIN_SECONDS,
          p99BoundMs: settings.BENCH_JOURNEY_P99_BOUND_MS,
          minDeliveredRatio: MIN_DELIVERED_RATIO,
          steps: ladder,
          maxSustainedPerSecond: maxSustained,
          limitedBy: limitedBy ?? null,
        },
        recovery,
      })}`,
    );
  } finally {
    await meter?.close();
    for (const s of running.reverse()) await s.stop().catch(() => undefined);
    await sim?.stop();
    await db?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
