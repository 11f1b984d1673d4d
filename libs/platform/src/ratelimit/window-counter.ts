import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

function table(schema: string): string {
  return `"${schema.replace(/"/g, '')}".rate_counters`;
}

/** For a service's migration: the table behind {@link WindowCounter}. */
export async function createRateCountersTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`
    CREATE TABLE ${table(schema)} (
      bucket text NOT NULL,
      window_start timestamptz NOT NULL,
      count integer NOT NULL,
      PRIMARY KEY (bucket, window_start)
    )`);
  await q.query(`CREATE INDEX rate_counters_window_start ON ${table(schema)} (window_start)`);
}

export async function dropRateCountersTable(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS ${table(schema)}`);
}

/**
 * Fixed-window counters in PostgreSQL, shared by every replica of a service: one upsert per counted event,
 * so it suits rare, costly events (an anonymous draft), not every request. Windows start at multiples of
 * their length since the epoch; old windows are removed by {@link WindowCounter.prune}.
 */
export class WindowCounter {
  constructor(
    private readonly db: DataSource | EntityManager,
    private readonly schema: string,
  ) {}

  /**
   * Counts one event for `bucket` in the current window of `windowSeconds` unless the window already holds
   * `limit`: returns 0 when counted, else the seconds until the window ends.
   */
  async take(bucket: string, limit: number, windowSeconds: number): Promise<number> {
    const rows = await this.db.query<Array<{ count: number }>>(
      `INSERT INTO ${table(this.schema)} AS c (bucket, window_start, count)
       VALUES ($1, to_timestamp(floor(extract(epoch FROM now()) / $2) * $2), 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET count = c.count + 1 WHERE c.count < $3
       RETURNING count`,
      [bucket, windowSeconds, limit],
    );
    if (rows.length > 0) return 0;
    const now = Date.now() / 1000;
    return Math.max(1, Math.ceil(Math.floor(now / windowSeconds) * windowSeconds + windowSeconds - now));
  }

  /** Removes windows that started more than `olderThanSeconds` ago; returns how many. */
  async prune(olderThanSeconds: number): Promise<number> {
    const result: unknown = await this.db.query(
      `DELETE FROM ${table(this.schema)} WHERE window_start < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    );
    // TypeORM answers a DELETE with [rows, affected].
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }
}
