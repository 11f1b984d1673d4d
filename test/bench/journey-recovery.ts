// Recovery at full speed (issue 20 §3) at the size of the operator's probe: a burst of ~2 000 submissions
// accepted, PostgreSQL stopped the hard way and started again, then the backlog counted over time.
import { startPostgres, stopPostgres } from '@amtsbote/testing';
import { refusalKey } from './journey-report';

export interface RecoveryPlan {
  submissions: number;
  /** Offered rate of the burst: well above what the system delivers, so most of it is a backlog. */
  rate: number;
  downSeconds: number;
}

export interface RecoveryResult extends RecoveryPlan {
  accepted: number;
  /** 503 answers of a busy replica along the way (each sent again after Retry-After). */
  shedAnswers: number;
  /** What was not accepted in the end, by status (`error …`: no HTTP answer at all). */
  refused: Record<string, number>;
  /** Accepted but not yet delivered when PostgreSQL was stopped, and when it was back. */
  backlogAtStop: number;
  backlogAtReturn: number;
  /** Stop (SIGQUIT: immediate shutdown, crash recovery at the start) → accepting connections again. */
  outageSeconds: number;
  /** First delivery after the return, seconds after it (null: none). */
  firstAfterReturnSeconds: number | null;
  /** Deliveries after the return per second, from the first to the last of them. */
  drainPerSecond: number;
  drainSeconds: number;
  /** Deliveries in each 10 s after the return: the count over time, so a crawl at the end shows. */
  perTenSeconds: number[];
  undelivered: number;
}

/** What the journey bench lends the recovery phase. */
export interface BurstTarget<P> {
  prepare(n: number): Promise<P[]>;
  offer(
    prepared: P[],
    rate: number,
  ): Promise<Array<{ status?: number; error?: string; submissionId?: string }>>;
  /** Delivery time (ms since epoch) by submission id of those of `ids` delivered by `untilMs` (or all). */
  deliveries(ids: readonly string[], untilMs: number): Promise<Map<string, number>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function recoveryPhase<P>(bench: BurstTarget<P>, plan: RecoveryPlan): Promise<RecoveryResult> {
  const prepared = await bench.prepare(plan.submissions);
  process.stderr.write(
    `  recovery: ${prepared.length} uploads prepared, offering them at ${plan.rate}/s, then PostgreSQL down for ${plan.downSeconds} s…\n`,
  );
  await sleep(1000);
  const sent = await bench.offer(prepared, plan.rate);
  // Like a portal: what a busy replica refused with 503 is sent again after its Retry-After (2 s), until
  // all of the burst is accepted — so the backlog is the burst's, not what got in at the first go.
  let shed = 0;
  for (let round = 0; round < 30; round++) {
    const again = sent.flatMap((s, i) => (s.status === 503 ? [i] : []));
    if (again.length === 0) break;
    shed += again.length;
    await sleep(2000);
    const resent = await bench.offer(
      again.map((i) => prepared[i]),
      plan.rate,
    );
    again.forEach((i, k) => (sent[i] = resent[k]));
  }
  const ids = sent.flatMap((s) => (s.status === 201 && s.submissionId ? [s.submissionId] : []));
  const refused: Record<string, number> = {};
  for (const s of sent) {
    if (s.status === 201) continue;
    const key = refusalKey(s);
    refused[key] = (refused[key] ?? 0) + 1;
  }

  const quiet = { log: () => undefined };
  const stoppedAt = Date.now();
  const backlogAtStop = ids.length - (await bench.deliveries(ids, 0)).size;
  // Immediate shutdown: connections cut mid-statement, crash recovery at the next start — as a kill would.
  await stopPostgres({ signal: 'SIGQUIT' });
  await sleep(plan.downSeconds * 1000);
  await startPostgres(quiet);
  const back = Date.now();
  const backlogAtReturn = ids.length - (await bench.deliveries(ids, 0)).size;

  const delivered = await bench.deliveries(ids, back + 600_000);
  const after = [...delivered.values()].filter((t) => t >= back).sort((a, b) => a - b);
  const span = after.length > 1 ? (after[after.length - 1] - after[0]) / 1000 : 0;
  const perTenSeconds: number[] = [];
  for (const t of after) {
    const slot = Math.floor((t - back) / 10_000);
    while (perTenSeconds.length <= slot) perTenSeconds.push(0);
    perTenSeconds[slot]++;
  }
  return {
    ...plan,
    accepted: ids.length,
    shedAnswers: shed,
    refused,
    backlogAtStop,
    backlogAtReturn,
    outageSeconds: Math.round((back - stoppedAt) / 100) / 10,
    firstAfterReturnSeconds: after.length > 0 ? Math.round((after[0] - back) / 100) / 10 : null,
    drainPerSecond: span > 0 ? Math.round(((after.length - 1) / span) * 10) / 10 : 0,
    drainSeconds: Math.round(span * 10) / 10,
    perTenSeconds,
    undelivered: ids.length - delivered.size,
  };
}

/** One line for the report, with the healthy rate it is judged against. */
export function describeRecovery(r: RecoveryResult, healthy: number | null): string {
  const ratio = healthy
    ? ` = ${((100 * r.drainPerSecond) / healthy).toFixed(0)} % of the healthy ${healthy}/s`
    : '';
  return [
    `${r.accepted} of ${r.submissions} accepted at ${r.rate}/s offered, ${r.shedAnswers} answers 503 (busy, sent again after Retry-After) on the way${Object.keys(r.refused).length ? `; not accepted in the end: ${JSON.stringify(r.refused)}` : ''};`,
    `PostgreSQL stopped (immediate shutdown) with ${r.backlogAtStop} not yet delivered, accepting again after ${r.outageSeconds} s with ${r.backlogAtReturn} left;`,
    `first delivery ${r.firstAfterReturnSeconds ?? '–'} s after its return; the backlog drained at ${r.drainPerSecond}/s over ${r.drainSeconds} s${ratio};`,
    `per 10 s after the return: ${r.perTenSeconds.join(' ')}; undelivered after 10 min: ${r.undelivered}`,
  ].join('\n    ');
}
