import { Client } from 'pg';
import { Counter, register } from 'prom-client';

/**
 * What this process asked of PostgreSQL so far. Every query is one round trip; a transaction is an explicit
 * BEGIN … COMMIT/ROLLBACK or a statement sent outside one (PostgreSQL commits it on its own). Plain numbers,
 * so counting costs an increment; Prometheus reads them at scrape time.
 */
export const queryCounts = { statements: 0, control: 0, transactions: 0 };

const CONTROL = /^\s*(BEGIN|START|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|END)\b/i;
const OPENS = /^\s*(BEGIN|START)\b/i;
const CLOSES = /^\s*(COMMIT|ROLLBACK|END)\b/i;

/** The SQL text of whatever `pg`'s `query` was given (string or config object). */
function sqlOf(config: unknown): string {
  if (typeof config === 'string') return config;
  if (config && typeof config === 'object' && 'text' in config) return String(config.text);
  return '';
}

/** Counts one query into {@link queryCounts}; returns whether a transaction is open after it. */
export function tally(sql: string, inTransaction: boolean): boolean {
  if (!CONTROL.test(sql)) {
    queryCounts.statements++;
    if (!inTransaction) queryCounts.transactions++;
    return inTransaction;
  }
  queryCounts.control++;
  if (OPENS.test(sql)) {
    queryCounts.transactions++;
    return true;
  }
  return CLOSES.test(sql) ? false : inTransaction;
}

/**
 * The `pg` client the pools use (`extra.Client`): counts each query into {@link queryCounts} and passes it
 * on unchanged. Tracks per connection whether a transaction is open.
 */
export class CountingClient extends Client {
  private inTransaction = false;

  constructor(...args: ConstructorParameters<typeof Client>) {
    super(...args);
    const query = this.query.bind(this) as (...a: unknown[]) => unknown;
    // An own property rather than an override: `query` has a dozen overloads that a subclass would repeat.
    (this as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
      this.inTransaction = tally(sqlOf(a[0]), this.inTransaction);
      return query(...a);
    };
  }
}

let registered = false;
/** `amtsbote_db_queries_total{kind}` and `amtsbote_db_transactions_total`, once per process. */
export function registerQueryMetrics(): void {
  if (registered || register.getSingleMetric('amtsbote_db_transactions_total')) return;
  registered = true;
  new Counter({
    name: 'amtsbote_db_queries_total',
    help: 'Queries sent to PostgreSQL (one round trip each): statements and transaction control',
    labelNames: ['kind'],
    collect() {
      this.reset();
      this.inc({ kind: 'statement' }, queryCounts.statements);
      this.inc({ kind: 'control' }, queryCounts.control);
    },
  });
  new Counter({
    name: 'amtsbote_db_transactions_total',
    help: 'PostgreSQL transactions begun: explicit ones and statements sent outside a transaction',
    collect() {
      this.reset();
      this.inc(queryCounts.transactions);
    },
  });
}
