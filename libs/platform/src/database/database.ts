import { Inject, Injectable, type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import {
  DataSource,
  type DataSourceOptions,
  type EntityManager,
  type EntitySchema,
  type MixedList,
} from 'typeorm';
import { databaseUrl, loadConfigOrExit, migrationConfigSchema } from '../config';
import { type ReadinessIndicator, ReadinessRegistry } from '../health';
import { CountingClient, registerQueryMetrics } from './query-counts';

export interface DatabaseOptions {
  url: string;
  /** The app's own PostgreSQL schema; no service reads another's. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
  ssl?: boolean;
  applicationName?: string;
  /** Only for throwaway test databases. */
  synchronize?: boolean;
}

/**
 * Runs `text` as the named prepared statement `name`: PostgreSQL parses and plans it once per connection
 * instead of at every call, and on the hot paths (a submission, an outbox batch, an inbox write) planning
 * costs as much as executing. One name per SQL text. Runs on the manager's transaction connection if it
 * has one, else on a pooled connection, like `manager.query`.
 */
export async function preparedQuery<T extends QueryResultRow>(
  manager: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner;
  if (runner && !runner.isReleased) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T>({ name, text, values })).rows;
  }
  return (await pgPool(manager.connection).query<T>({ name, text, values })).rows;
}

/** The `pg` pool behind a TypeORM data source, for what TypeORM cannot express (named statements, batches). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** One place that turns settings into TypeORM options, shared by the apps and the migration runner. */
export function dataSourceOptions(o: DatabaseOptions): DataSourceOptions {
  registerQueryMetrics();
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: o.synchronize ?? false,
    migrationsRun: false,
    // Failed queries surface as exceptions; TypeORM's own query logging would print their parameters,
    // which can be personal data.
    logging: ['migration'],
    ssl: o.ssl ? { rejectUnauthorized: true } : false,
    applicationName: o.applicationName,
    extra: {
      max: o.poolSize ?? 10,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30000,
      // Fail fast instead of queueing forever while PostgreSQL is away.
      query_timeout: 30000,
      // Counts queries and transactions (amtsbote_db_*_total): what a unit of work costs the database.
      Client: CountingClient,
    },
  };
}

/** Runs pending migrations of one app; creates its schema first. Used by `npm run migrate` and tests. */
export async function runMigrations(o: DatabaseOptions): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(o));
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${o.schema.replace(/"/g, '')}"`);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

@Injectable()
export class DatabaseReadiness implements ReadinessIndicator {
  readonly name = 'database';
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    registry: ReadinessRegistry,
  ) {
    registry.register(this);
  }

  async check(): Promise<{ up: boolean; details?: Record<string, unknown> }> {
    if (!this.dataSource.isInitialized) return { up: false, details: { message: 'not connected' } };
    await this.dataSource.query('SELECT 1');
    return { up: true };
  }
}

@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(options),
          retryAttempts: 20,
          retryDelay: 1500,
        }),
      ],
      providers: [DatabaseReadiness],
      exports: [DatabaseReadiness],
    };
  }
}

/** Entry point of each app's migration command (`node dist/src/migrate.js`, a Helm Job in production). */
export async function runMigrationsMain(o: Omit<DatabaseOptions, 'url'> & { service: string }, url: string) {
  try {
    const applied = await runMigrations({ ...o, url });
    process.stdout.write(
      `${o.service}: ${applied.length === 0 ? 'schema up to date' : `applied ${applied.join(', ')}`}\n`,
    );
  } catch (err) {
    process.stderr.write(`${o.service}: migration failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

/** The whole body of an app's `migrate.ts`: reads the database settings and runs its migrations. */
export function migrationMain(
  service: string,
  schema: string,
  migrations: DatabaseOptions['migrations'],
): Promise<void> {
  const config = loadConfigOrExit(service, migrationConfigSchema);
  return runMigrationsMain(
    { service, schema, entities: [], migrations, ssl: config.DATABASE_SSL },
    databaseUrl(config),
  );
}

/**
 * TypeORM's PostgreSQL driver answers UPDATE and DELETE with `[rows, affectedCount]` and everything else
 * with the rows: this gives the rows of a `… RETURNING` statement either way (other results pass through).
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/** Runs an `UPDATE … RETURNING` / `DELETE … RETURNING` and gives its rows (see {@link returnedRows}). */
export async function returning<T>(
  q: Pick<EntityManager, 'query'>,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  return returnedRows<T>(await q.query(sql, params));
}
