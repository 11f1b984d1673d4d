import { DataSource } from 'typeorm';
import type { z } from 'zod';
import {
  freshDatabase,
  type ServiceDefinition,
  type ServiceUnderTest,
  serviceTestEnv,
  startService,
  type TestDatabase,
  uniqueName,
} from './service-harness';

/** The bearer token of `/metrics` in services under test (production sets its own `METRICS_TOKEN`). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-of-the-harness';

/**
 * One of our services on the real stack, as every app's `test/harness.ts` starts it (`start<App>(label,
 * extra)`): its own fresh database, its own topic prefix, and a direct connection to the database for
 * assertions. The app harnesses add what only their service has (a storage directory, a recorder, helpers).
 */
export interface AppUnderTest<C> {
  /** The running service (Nest app, URL, config); `restart()` replaces it. */
  svc: ServiceUnderTest<C>;
  /** Base URL of the running service. */
  readonly url: string;
  db: TestDatabase;
  /** Prefix of every topic of this test (`KAFKA_TOPIC_PREFIX`). */
  topicPrefix: string;
  /** The environment the service was started with. */
  env: Record<string, string>;
  /** A direct connection to the service's database, for assertions. */
  sql: DataSource;
  /** The service's Prometheus text, scraped with the test's `METRICS_TOKEN` (`/metrics` is closed without). */
  metrics: () => Promise<string>;
  /** Stops the service; the database and topics stay (for `restart()`). */
  stop: () => Promise<void>;
  /** Starts the service again on the same database and topics (a restart, or a second replica's successor). */
  restart: () => Promise<void>;
  /** Stops the service and drops everything the test had. */
  close: () => Promise<void>;
}

/**
 * Starts `def` as {@link AppUnderTest}: `service` names the database and topic prefix (with `label`), `env`
 * is added to the test environment of the stack, `cleanup` runs last in `close()`.
 */
export async function startAppUnderTest<S extends z.ZodObject<z.ZodRawShape>>(
  def: ServiceDefinition<S>,
  o: { service: string; label: string; env?: Record<string, string>; cleanup?: () => Promise<void> | void },
): Promise<AppUnderTest<z.infer<S>>> {
  const db = await freshDatabase(`${o.service}_${o.label}`);
  const topicPrefix = `${uniqueName(`${o.service}-${o.label}`).replace(/_/g, '-')}.`;
  const env = serviceTestEnv({
    databaseUrl: db.url,
    topicPrefix,
    extra: { METRICS_TOKEN: TEST_METRICS_TOKEN, ...o.env },
  });
  let svc: ServiceUnderTest<z.infer<S>>;
  try {
    svc = await startService(def, env);
  } catch (err) {
    await db.drop().catch(() => undefined);
    throw err;
  }
  const sql = new DataSource({ type: 'postgres', url: db.url, poolSize: 2 });
  await sql.initialize();
  let running = true;
  const t: AppUnderTest<z.infer<S>> = {
    svc,
    get url() {
      return t.svc.url;
    },
    db,
    topicPrefix,
    env,
    sql,
    async metrics() {
      const res = await fetch(`${t.svc.url}/metrics`, {
        headers: { authorization: `Bearer ${env.METRICS_TOKEN}` },
      });
      if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
      return res.text();
    },
    async stop() {
      running = false;
      await t.svc.close();
    },
    async restart() {
      if (running) await t.svc.close();
      t.svc = await startService(def, env);
      running = true;
    },
    async close() {
      if (running) await t.svc.close().catch(() => undefined);
      running = false;
      await sql.destroy();
      await db.drop();
      await o.cleanup?.();
    },
  };
  return t;
}
