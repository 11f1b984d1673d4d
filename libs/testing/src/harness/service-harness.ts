import { randomBytes } from 'node:crypto';
import { MessagingRuntime } from '@amtsbote/messaging';
import {
  createServiceApp,
  type DatabaseOptions,
  loadConfig,
  runMigrations,
  type ServiceDescription,
} from '@amtsbote/platform';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { z } from 'zod';
import { createDatabase, dropDatabase, KAFKA_BROKERS, OIDC_ISSUER, postgresUrl } from '../stack';

/** A unique, valid name fragment for databases, topic prefixes and consumer groups of one test. */
export function uniqueName(label: string): string {
  return `${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on the local PostgreSQL, dropped again by `drop()`. */
export async function freshDatabase(label: string): Promise<TestDatabase> {
  const name = `t_${uniqueName(label)}`;
  await createDatabase(name);
  return { name, url: postgresUrl(name), drop: () => dropDatabase(name) };
}

/** Environment for a service under test against the local stack; topics are namespaced per test. */
export function serviceTestEnv(o: {
  databaseUrl: string;
  topicPrefix: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    // Quiet by default: tests stop brokers and databases on purpose. AMTSBOTE_TEST_LOG_LEVEL=info to debug.
    LOG_LEVEL: process.env.AMTSBOTE_TEST_LOG_LEVEL ?? 'fatal',
    DATABASE_URL: o.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: o.topicPrefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    KAFKA_RETRY_DELAYS_MS: '200,400',
    OIDC_ISSUERS: OIDC_ISSUER,
    OIDC_AUDIENCE: 'amtsbote',
    // One machine, one clock: expired tokens should be expired in tests without a 30 s wait.
    OIDC_CLOCK_TOLERANCE_SECONDS: '1',
    ...o.extra,
  };
}

export interface ServiceUnderTest<C> {
  app: NestFastifyApplication;
  url: string;
  config: C;
  close(): Promise<void>;
}

export interface ServiceDefinition<S extends z.ZodObject<z.ZodRawShape>> {
  service: ServiceDescription;
  configSchema: S;
  schema: string;
  migrations: DatabaseOptions['migrations'];
  module: (config: z.infer<S>) => DynamicModule;
}

/**
 * Boots a real service in-process against the local stack: migrations first (as the Helm Job would),
 * then the app on a free loopback port, then waits until its consumer has joined its group.
 */
export async function startService<S extends z.ZodObject<z.ZodRawShape>>(
  def: ServiceDefinition<S>,
  env: Record<string, string>,
): Promise<ServiceUnderTest<z.infer<S>>> {
  const config = loadConfig(def.configSchema, env);
  const c = config as { DATABASE_URL: string };
  await runMigrations({ url: c.DATABASE_URL, schema: def.schema, entities: [], migrations: def.migrations });
  const app = await createServiceApp(def.module(config), def.service, { bufferLogs: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await app.get(MessagingRuntime).whenStarted();
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    close: () => app.close(),
  };
}

/** Polls until `probe` returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`,
  );
}
