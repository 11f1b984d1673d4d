/**
 * What a journey costs, by service: machine CPU (each service's Node process, the PostgreSQL backends that
 * serve it, Kafka, the generator), and the work it asks of PostgreSQL (statements, transactions) and Kafka
 * (requests by API), from the services' own counters (`/metrics`) and PostgreSQL's statistics of the bench's
 * database. CPU is read per process from /proc, so the other users of a shared machine do not count; counts
 * do not depend on how busy the machine is at all — they are what a design change is judged by.
 */
import { readPidRecord, type ServiceName, type ServiceProcess, TEST_METRICS_TOKEN } from '@amtsbote/testing';
import {
  cpuBetween,
  type CpuGroup,
  cpuSnapshot,
  type CpuSnapshot,
  loadAverage,
  machineTime,
} from '@amtsbote/testing';
import { Pool } from 'pg';

/** `name{a="x",b="y"} 12` → sums per metric and label set, of the metrics named in `wanted`. */
export function parseMetrics(text: string, wanted: RegExp): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !wanted.test(line)) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), (out.get(line.slice(0, space)) ?? 0) + Number(line.slice(space + 1)));
  }
  return out;
}

const COUNTED =
  /^amtsbote_(db_queries_total|db_transactions_total|kafka_requests_total|outbox_published_total|events_handled_total)\b/;

/** The counters of one service, in short names: `db.statement`, `db.tx`, `kafka.producer.Produce`, … */
async function scrape(url: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  // A closed /metrics must not read as a service that did nothing.
  if (!response.ok) throw new Error(`${url}/metrics answered HTTP ${response.status}`);
  const text = await response.text();
  const out: Record<string, number> = {};
  const add = (k: string, v: number) => (out[k] = (out[k] ?? 0) + v);
  for (const [key, v] of parseMetrics(text, COUNTED)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(key)?.[1] ?? '?';
    if (key.startsWith('amtsbote_db_queries_total')) add(`db.${label('kind')}`, v);
    else if (key.startsWith('amtsbote_db_transactions_total')) add('db.transactions', v);
    else if (key.startsWith('amtsbote_kafka_requests_total'))
      add(`kafka.${label('client')}.${label('api')}`, v);
    else if (key.startsWith('amtsbote_outbox_published_total')) add('events.published', v);
    else add('events.handled', v);
  }
  return out;
}

interface PgStats {
  xacts: number;
  rows: number;
}

async function pgStats(pool: Pool): Promise<PgStats> {
  // Statistics arrive at the cumulative views with a delay; a snapshot forces a fresh read.
  await pool.query('SELECT pg_stat_clear_snapshot()');
  const r = await pool.query<{ xacts: string; rows: string }>(
    `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS rows
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { xacts: Number(r.rows[0].xacts), rows: Number(r.rows[0].rows) };
}

export interface JourneyCost {
  journeys: number;
  seconds: number;
  /** The machine's 1-minute load average before and after (other users of the machine included). */
  loadAverage: { before: number; after: number };
  /** Share of the whole machine busy meanwhile, every process (others' too). */
  machineBusy: number;
  /** CPU µs per journey of our processes: the services, PostgreSQL by the service its backend serves, Kafka. */
  cpuUsPerJourney: { total: number; byProcess: Record<string, number>; byService: Record<string, number> };
  /** Per journey and service: PostgreSQL statements, transaction control, transactions; Kafka requests. */
  perJourney: Record<string, Record<string, number>>;
  /** PostgreSQL's own count for the bench's database: transactions and rows written per journey. */
  postgresServer: { transactions: number; rowsWritten: number };
  /**
   * The statements most often run per journey, with their mean execution time, when the server has
   * `pg_stat_statements` loaded (`shared_preload_libraries`; the local stack does not by default).
   */
  topStatements?: Array<{ perJourney: number; meanMs: number; query: string }>;
}

/** pg_stat_statements of the bench's database, if the server loads it: reset, then read after. */
async function statementStats(
  pool: Pool,
  reset: boolean,
  journeys: number,
): Promise<JourneyCost['topStatements']> {
  try {
    if (reset) {
      await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await pool.query('SELECT pg_stat_statements_reset()');
      return undefined;
    }
    const r = await pool.query<{ calls: string; mean: number; query: string }>(
      `SELECT calls, mean_exec_time AS mean, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY calls DESC LIMIT 40`,
    );
    return r.rows.map((row) => ({
      perJourney: round(Number(row.calls) / Math.max(1, journeys), 2),
      meanMs: round(row.mean, 3),
      query: row.query.slice(0, 160),
    }));
  } catch {
    return undefined; // not loaded: the figures above stand on their own
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Measures from `start()` until `stop(journeys)`; knows the stack's and the services' processes. */
export class CostMeter {
  private readonly pool: Pool;
  private cpu?: CpuSnapshot;
  private machine?: { busy: number; total: number };
  private counts?: Record<string, Record<string, number>>;
  private pg?: PgStats;
  private load = 0;
  private startedAt = 0;

  constructor(
    private readonly services: ServiceProcess[],
    databaseUrl: string,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 1 });
    // The recovery phase stops PostgreSQL: an idle connection it cuts must not end the run.
    this.pool.on('error', () => undefined);
  }

  private groups(): CpuGroup[] {
    const pid = (name: string) => {
      const r = readPidRecord(name);
      if (!r) throw new Error(`no pid file of the stack's ${name}`);
      return r.pid;
    };
    return [
      ...this.services.map((s) => ({ name: s.name, pid: s.child.pid! })),
      { name: 'postgres', pid: pid('postgres'), tree: true },
      { name: 'kafka', pid: pid('kafka') },
      { name: 'bench', pid: process.pid },
    ];
  }

  private async allCounts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const s of this.services) out[s.name] = await scrape(s.url);
    return out;
  }

  /** The services' event counters together: unchanged across two looks means the journey is over. */
  async quiet(): Promise<void> {
    const total = async () => {
      const c = await this.allCounts();
      return Object.values(c).reduce(
        (a, s) => a + (s['events.handled'] ?? 0) + (s['events.published'] ?? 0),
        0,
      );
    };
    let last = await total();
    for (let i = 0; i < 120; i++) {
      await new Promise((r) => setTimeout(r, 750));
      const now = await total();
      if (now === last) return;
      last = now;
    }
  }

  async start(): Promise<void> {
    this.load = loadAverage();
    this.counts = await this.allCounts();
    this.pg = await pgStats(this.pool);
    await statementStats(this.pool, true, 0);
    this.machine = machineTime();
    this.cpu = cpuSnapshot();
    this.startedAt = Date.now();
  }

  async stop(journeys: number): Promise<JourneyCost> {
    const cpu = cpuSnapshot();
    const machine = machineTime();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const counts = await this.allCounts();
    const pg = await pgStats(this.pool);
    const topStatements = await statementStats(this.pool, false, journeys);
    const backends = await this.pool.query<{ pid: number; application_name: string }>(
      `SELECT pid, application_name FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE 'amtsbote-%'`,
    );
    const split = new Map(backends.rows.map((r) => [r.pid, r.application_name.replace(/^amtsbote-/, '')]));
    const ms = cpuBetween(this.cpu!, cpu, this.groups(), { group: 'postgres', pids: split });
    const n = Math.max(1, journeys);
    const us = (v: number) => Math.round((v * 1000) / n);
    const byProcess = Object.fromEntries(
      Object.entries(ms)
        .map(([k, v]) => [k, us(v)] as const)
        .sort((a, b) => b[1] - a[1]),
    );
    const byService: Record<string, number> = {};
    for (const [k, v] of Object.entries(byProcess)) {
      const service = k.startsWith('postgres:') ? k.slice('postgres:'.length) : k;
      byService[service] = (byService[service] ?? 0) + v;
    }
    const perJourney: Record<string, Record<string, number>> = {};
    for (const [service, after] of Object.entries(counts)) {
      const before = this.counts![service] ?? {};
      perJourney[service] = Object.fromEntries(
        Object.entries(after)
          .map(([k, v]) => [k, round((v - (before[k] ?? 0)) / n, 2)] as const)
          .filter(([, v]) => v !== 0)
          .sort((a, b) => a[0].localeCompare(b[0])),
      );
    }
    return {
      journeys,
      seconds: round(seconds),
      loadAverage: { before: this.load, after: loadAverage() },
      machineBusy: round((machine.busy - this.machine!.busy) / (machine.total - this.machine!.total), 3),
      cpuUsPerJourney: {
        total: Object.values(byProcess).reduce((a, b) => a + b, 0),
        byProcess,
        byService,
      },
      perJourney,
      postgresServer: {
        transactions: round((pg.xacts - this.pg!.xacts) / n, 2),
        rowsWritten: round((pg.rows - this.pg!.rows) / n, 2),
      },
      ...(topStatements ? { topStatements } : {}),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The cost as lines for the console. */
export function describeCost(
  c: JourneyCost,
  services: readonly ServiceName[],
  unit: 'journey' | 'second' = 'journey',
): string[] {
  const lines = [
    `${unit === 'journey' ? `${c.journeys} journeys` : 'nothing to do'} in ${c.seconds} s; load average ${c.loadAverage.before} → ${c.loadAverage.after}, machine ${(c.machineBusy * 100).toFixed(0)} % busy (all users)`,
    `CPU per ${unit} ${c.cpuUsPerJourney.total} µs of our processes: ${Object.entries(
      c.cpuUsPerJourney.byProcess,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `PostgreSQL server: ${c.postgresServer.transactions} transactions, ${c.postgresServer.rowsWritten} rows written per ${unit}`,
    `per ${unit.padEnd(11)} statements  tx-control  transactions  kafka requests`,
  ];
  for (const s of services) {
    const p = c.perJourney[s] ?? {};
    const kafka = Object.entries(p)
      .filter(([k]) => k.startsWith('kafka.'))
      .map(([k, v]) => `${k.slice(6)} ${v}`)
      .join(', ');
    lines.push(
      `  ${s.padEnd(16)} ${String(p['db.statement'] ?? 0).padStart(10)}  ${String(p['db.control'] ?? 0).padStart(10)}  ${String(p['db.transactions'] ?? 0).padStart(12)}  ${kafka}`,
    );
  }
  if (c.topStatements) {
    lines.push(`statements run most often (pg_stat_statements), per ${unit}, mean ms:`);
    for (const t of c.topStatements)
      lines.push(`  ${String(t.perJourney).padStart(6)}  ${String(t.meanMs).padStart(7)}  ${t.query}`);
  }
  return lines;
}
