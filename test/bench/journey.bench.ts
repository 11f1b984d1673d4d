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
 * service to try a tuning, e.g. `ROUTING_DELIVERY_CONCURRENCY=16,ROUTING_DELIVERY_POLL_MS=50`; default none).
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
  type TestDatabase,
  uniqueName,
} from '@amtsbote/testing';
import { z } from 'zod';
import { DEMO, formData, type JourneyTargets, openDraft, seedDemo, uploadPdf } from '../journeys/journey';

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
  submissionId?: string;
}

interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface PhaseResult {
  offeredPerSecond: number;
  seconds: number;
  submitted: number;
  accepted: number;
  /** Answers other than 201 and failed requests, by status (`error` for no answer). */
  refused: Record<string, number>;
  delivered: number;
  undelivered: number;
  /** Deliveries per second between the first and the last delivery of the phase. */
  deliveredPerSecond: number;
  /** Submit (201 received) → delivered; undelivered ones count as infinitely late (null). */
  submitToDeliveredMs: Percentiles;
  /** Scheduled send → delivered: the same plus intake's answer time and generator lag. */
  scheduledToDeliveredMs: Percentiles;
  /** Scheduled send → 201 received. */
  intakeAnswerMs: Percentiles;
  /** How late the generator sent against its schedule. */
  sendLagMs: Percentiles;
}

/** Nearest-rank percentiles; Infinity (not delivered in time) comes out as null. */
function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number | null => {
    if (sorted.length === 0) return null;
    const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
    return Number.isFinite(v) ? Math.round(v) : null;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

class JourneyBench {
  private readonly tokens = new Map<string, string>();
  private drafts = 0;

  constructor(
    private readonly t: JourneyTargets,
    private readonly sim: FachverfahrenSimulator,
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
  private async offer(prepared: Prepared[], rate: number): Promise<Sent[]> {
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
          () => {
            s.status = 0;
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
  private async awaitDeliveries(sent: Sent[], untilMs: number): Promise<Map<string, number>> {
    const wanted = new Set(sent.flatMap((s) => (s.submissionId ? [s.submissionId] : [])));
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

  async phase(rate: number, seconds: number, label: string): Promise<PhaseResult> {
    const n = Math.max(1, Math.round(rate * seconds));
    const prepStart = Date.now();
    const prepared = await this.prepare(n);
    process.stderr.write(
      `  ${label}: ${n} uploads prepared in ${((Date.now() - prepStart) / 1000).toFixed(1)} s, offering ${rate}/s for ${seconds} s…\n`,
    );
    await sleep(1000);
    const sent = await this.offer(prepared, rate);
    const lastScheduled = sent[sent.length - 1].scheduledAt;
    const delivered = await this.awaitDeliveries(
      sent,
      lastScheduled + settings.BENCH_JOURNEY_DRAIN_SECONDS * 1000,
    );

    const refused: Record<string, number> = {};
    const fromSubmit: number[] = [];
    const fromSchedule: number[] = [];
    const answer: number[] = [];
    const lag: number[] = [];
    for (const s of sent) {
      lag.push((s.sentAt ?? s.scheduledAt) - s.scheduledAt);
      if (s.status !== 201 || s.submissionId === undefined) {
        const key = s.status ? String(s.status) : 'error';
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

/** Why a ladder step does not sustain its rate, or undefined if it does. */
function notSustained(r: PhaseResult): string | undefined {
  const refused = Object.values(r.refused).reduce((a, b) => a + b, 0);
  if (refused > 0) return `${refused} submissions not accepted ${JSON.stringify(r.refused)}`;
  if (r.undelivered > 0)
    return `${r.undelivered} not delivered within ${settings.BENCH_JOURNEY_DRAIN_SECONDS} s`;
  if (r.deliveredPerSecond < MIN_DELIVERED_RATIO * r.offeredPerSecond)
    return `delivered ${r.deliveredPerSecond.toFixed(1)}/s < ${MIN_DELIVERED_RATIO * 100} % of offered`;
  if ((r.submitToDeliveredMs.p99 ?? Infinity) > settings.BENCH_JOURNEY_P99_BOUND_MS)
    return `p99 ${r.submitToDeliveredMs.p99 ?? '∞'} ms > ${settings.BENCH_JOURNEY_P99_BOUND_MS} ms`;
  return undefined;
}

const ms = (v: number | null) => (v === null ? '∞' : String(v)).padStart(6);
function row(r: PhaseResult, note = ''): string {
  const d = r.submitToDeliveredMs;
  return [
    `${String(r.offeredPerSecond).padStart(6)}/s`,
    String(r.submitted).padStart(6),
    String(r.accepted).padStart(6),
    String(r.delivered).padStart(6),
    `${r.deliveredPerSecond.toFixed(1).padStart(8)}/s`,
    `${ms(d.p50)} ${ms(d.p95)} ${ms(d.p99)} ${ms(d.max)}`,
    ms(r.scheduledToDeliveredMs.p99),
    `${ms(r.intakeAnswerMs.p50)} ${ms(r.intakeAnswerMs.p99)}`,
    ms(r.sendLagMs.max),
    note,
  ].join('  ');
}
const HEADER =
  ' offered    sent    201  deliv.   deliv./s  submit→delivered p50    p95    p99    max  sched→deliv. p99  201 p50 / p99  lag max';

async function main(): Promise<void> {
  let db: TestDatabase | undefined;
  let sim: FachverfahrenSimulator | undefined;
  const running: ServiceProcess[] = [];
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
      running.push(await startServiceProcess(name, { ...env, ...settings.BENCH_JOURNEY_SERVICE_ENV }));
    }
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

    const bench = new JourneyBench(targets, sim);
    await bench.mintTokens();
    let accepted = 0;
    const run = async (rate: number, seconds: number, label: string) => {
      const r = await bench.phase(rate, seconds, label);
      accepted += r.accepted;
      return r;
    };
    if (settings.BENCH_JOURNEY_WARMUP_SECONDS > 0)
      await run(10, settings.BENCH_JOURNEY_WARMUP_SECONDS, 'warm-up');

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
        const reason = notSustained(r);
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

    out(
      `BENCH_RESULT ${JSON.stringify({
        bench: 'journey',
        citizens: CITIZENS.length,
        serviceEnv: settings.BENCH_JOURNEY_SERVICE_ENV,
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
      })}`,
    );
  } finally {
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
