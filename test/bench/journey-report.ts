// The figures of one phase of the journey bench and how they are judged and printed.
import type { JourneyCost } from './journey-cost';

export interface Percentiles {
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
  /** From the first send to the last delivery (not until the services are quiet; see the cost phase). */
  cost?: JourneyCost;
}

/** How a refused submission is counted: its HTTP status, or `error <cause>` when no answer came at all. */
export function refusalKey(s: { status?: number; error?: string }): string {
  return s.status ? String(s.status) : `error ${s.error ?? ''}`.trim();
}

/** Nearest-rank percentiles; Infinity (not delivered in time) comes out as null. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number | null => {
    if (sorted.length === 0) return null;
    const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
    return Number.isFinite(v) ? Math.round(v) : null;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

/** When a ladder step counts as sustained. */
export interface SustainBounds {
  drainSeconds: number;
  minDeliveredRatio: number;
  p99BoundMs: number;
}

/** Why a ladder step does not sustain its rate, or undefined if it does. */
export function notSustained(r: PhaseResult, b: SustainBounds): string | undefined {
  const refused = Object.values(r.refused).reduce((a, b) => a + b, 0);
  if (refused > 0) return `${refused} submissions not accepted ${JSON.stringify(r.refused)}`;
  if (r.undelivered > 0) return `${r.undelivered} not delivered within ${b.drainSeconds} s`;
  if (r.deliveredPerSecond < b.minDeliveredRatio * r.offeredPerSecond)
    return `delivered ${r.deliveredPerSecond.toFixed(1)}/s < ${b.minDeliveredRatio * 100} % of offered`;
  if ((r.submitToDeliveredMs.p99 ?? Infinity) > b.p99BoundMs)
    return `p99 ${r.submitToDeliveredMs.p99 ?? '∞'} ms > ${b.p99BoundMs} ms`;
  return undefined;
}

const ms = (v: number | null) => (v === null ? '∞' : String(v)).padStart(6);
export function row(r: PhaseResult, note = ''): string {
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
export const HEADER =
  ' offered    sent    201  deliv.   deliv./s  submit→delivered p50    p95    p99    max  sched→deliv. p99  201 p50 / p99  lag max';
