import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { S3FileStore } from '@amtsbote/platform';
import { withLock } from './lock';
import { stackPaths, type StackPaths } from './paths';
import { assertPortFree, waitPortsFree } from './ports';
import { ensureGo, lastLines, run } from './prereq';
import { processStatus, startProcess, stopProcess } from './process';
import type { ComponentStart, ComponentStop, StartOptions, StopOptions } from './types';
import { envPort, stderrLogger, type Logger } from './util';

/** SeaweedFS (Apache-2.0) from the Go module proxy, built once per stack directory. */
export const SEAWEEDFS_MODULE = 'github.com/seaweedfs/seaweedfs';
export const SEAWEEDFS_VERSION = 'v0.0.0-20261109003541-7506e5f91cd6';

export const S3_HOST = '127.0.0.1';
export const S3_DEFAULT_PORT = 8333;
/** Dev-only credentials of the local S3 server (an identity with every right, like the dev PostgreSQL user). */
export const S3_ACCESS_KEY_ID = 'amtsbote-dev';
export const S3_SECRET_ACCESS_KEY = 'amtsbote-dev-secret-not-for-production';
export const S3_REGION = 'us-east-1';
/** The one bucket of the local stack; tests and services keep apart by key prefix. */
export const S3_BUCKET = 'amtsbote';

export interface SeaweedfsOptions extends StartOptions {
  /** S3 port; default AMTSBOTE_S3_PORT or 8333. The server's other ports follow from it. */
  port?: number;
}

export function s3Port(opts: Pick<SeaweedfsOptions, 'port'> = {}): number {
  return opts.port ?? envPort('AMTSBOTE_S3_PORT', S3_DEFAULT_PORT);
}

/** Endpoint of the local S3 server (honours AMTSBOTE_S3_PORT). */
export function s3Endpoint(opts: Pick<SeaweedfsOptions, 'port'> = {}): string {
  return `http://${S3_HOST}:${s3Port(opts)}`;
}

/**
 * Every port `weed server` listens on, derived from the S3 port so that two stacks with different
 * AMTSBOTE_S3_PORT never collide: SeaweedFS's own defaults (master 9333, volume 8080, filer 8888, gRPC
 * each +10000 — which would put a default stack's S3 gRPC on 18333) are all replaced. Pure.
 */
export function seaweedfsPorts(
  s3: number,
): Record<'s3' | 'master' | 'volume' | 'filer', { http: number; grpc: number }> {
  if (s3 + 14 > 65535) throw new Error(`AMTSBOTE_S3_PORT ${s3} leaves no room for the server's other ports`);
  return {
    s3: { http: s3, grpc: s3 + 11 },
    master: { http: s3 + 1, grpc: s3 + 12 },
    volume: { http: s3 + 2, grpc: s3 + 13 },
    filer: { http: s3 + 3, grpc: s3 + 14 },
  };
}

/** The `-s3.config` identities: one dev identity with every action. Pure. */
export function renderS3Identities(): string {
  return `${JSON.stringify(
    {
      identities: [
        {
          name: 'amtsbote',
          credentials: [{ accessKey: S3_ACCESS_KEY_ID, secretKey: S3_SECRET_ACCESS_KEY }],
          actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'],
        },
      ],
    },
    null,
    2,
  )}\n`;
}

/** Arguments of `weed server`: S3 and what it needs, on loopback only, nothing reported anywhere. Pure. */
export function weedServerArgs(p: StackPaths['seaweedfs'], s3: number): string[] {
  const ports = seaweedfsPorts(s3);
  return [
    'server',
    `-dir=${p.data}`,
    `-ip=${S3_HOST}`,
    `-ip.bind=${S3_HOST}`,
    `-master.port=${ports.master.http}`,
    `-master.port.grpc=${ports.master.grpc}`,
    // No anonymous usage reports (and no network here to send them to).
    '-master.telemetry=false',
    // Small volumes, as many as the disk allows: a test stack holds little.
    '-master.volumeSizeLimitMB=256',
    '-volume.max=0',
    `-volume.port=${ports.volume.http}`,
    `-volume.port.grpc=${ports.volume.grpc}`,
    '-filer',
    `-filer.port=${ports.filer.http}`,
    `-filer.port.grpc=${ports.filer.grpc}`,
    '-s3',
    `-s3.port=${ports.s3.http}`,
    `-s3.port.grpc=${ports.s3.grpc}`,
    `-s3.config=${p.identities}`,
    // Off: the Iceberg and Lance catalogs would take ports 8181 and 9101 in every stack.
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
  ];
}

interface BuildMarker {
  module: string;
  version: string;
}

/** True if the cached `weed` binary was built from the pinned version. */
export function weedBinaryComplete(p: StackPaths['seaweedfs']): boolean {
  try {
    const marker = JSON.parse(readFileSync(p.marker, 'utf8')) as BuildMarker;
    return marker.module === SEAWEEDFS_MODULE && marker.version === SEAWEEDFS_VERSION && existsSync(p.binary);
  } catch {
    return false;
  }
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else if (entry.isFile()) chmodSync(full, statSync(full).mode | 0o200);
  }
}

/**
 * The folder the source is built in: the same on the whole machine (not per stack directory), because Go's
 * build cache keys packages by their folder. The first build of a machine compiles everything (about 6
 * minutes on an idle 2-core machine, far longer on a busy one); any later one — another checkout, another
 * AMTSBOTE_STACK_DIR, a CI clone — finds it all in the cache and only links.
 */
export function seaweedfsBuildDir(): string {
  return path.join(tmpdir(), `amtsbote-seaweedfs-${SEAWEEDFS_VERSION}`);
}

/** A writable copy of the module's source (the module cache is read-only), made once and swapped in whole. */
function writableSource(moduleDir: string): string {
  const dir = seaweedfsBuildDir();
  if (existsSync(path.join(dir, 'go.mod'))) return dir;
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(moduleDir, partial, { recursive: true });
  makeWritable(partial);
  try {
    renameSync(partial, dir);
  } catch {
    // Another stack copied it meanwhile.
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Builds `weed` from the module proxy's source of the pinned version (`go install` refuses it: its go.mod
 * has replace directives): `go mod download -json` names the source folder, a writable copy of it is built
 * with `go build ./weed`, and the binary (about 230 MB) replaces the cached one whole.
 */
async function ensureWeedBinary(p: StackPaths['seaweedfs'], log: Logger): Promise<void> {
  if (weedBinaryComplete(p)) return;
  const go = await ensureGo(log);
  const t0 = performance.now();
  log(`building SeaweedFS ${SEAWEEDFS_VERSION} with Go (first start only; cached in ${p.bin}) …`);
  const download = await run(go, ['mod', 'download', '-json', `${SEAWEEDFS_MODULE}@${SEAWEEDFS_VERSION}`], {
    cwd: p.dir,
  });
  if (download.code !== 0) {
    throw new Error(
      `go mod download of SeaweedFS failed (exit ${String(download.code)}):\n${lastLines(download.output)}`,
    );
  }
  const dirMatch = /"Dir":\s*"([^"]+)"/.exec(download.output);
  if (!dirMatch) throw new Error(`go mod download named no source folder:\n${lastLines(download.output)}`);
  const src = writableSource(dirMatch[1]);
  const partial = `${p.binary}.partial`;
  mkdirSync(p.bin, { recursive: true });
  try {
    const build = await run(go, ['build', '-o', partial, './weed'], { cwd: src });
    if (build.code !== 0) {
      throw new Error(
        `go build of SeaweedFS failed (exit ${String(build.code)}):\n${lastLines(build.output)}`,
      );
    }
    renameSync(partial, p.binary);
    const marker: BuildMarker = { module: SEAWEEDFS_MODULE, version: SEAWEEDFS_VERSION };
    writeFileSync(p.marker, `${JSON.stringify(marker, null, 2)}\n`);
  } finally {
    rmSync(partial, { force: true });
  }
  log(`SeaweedFS built in ${Math.round((performance.now() - t0) / 1000)} s`);
}

/** The S3 API answers an authenticated request and the stack's bucket exists (created on the first start). */
export async function s3Ready(endpoint: string = s3Endpoint()): Promise<boolean> {
  const store = new S3FileStore({
    endpoint,
    region: S3_REGION,
    bucket: S3_BUCKET,
    prefix: '',
    credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  });
  try {
    await store.ensureBucket();
    return true;
  } catch {
    return false;
  } finally {
    store.close();
  }
}

function recordedPort(meta: Record<string, unknown> | undefined): number | undefined {
  return typeof meta?.port === 'number' ? meta.port : undefined;
}

/** Starts `weed server` with S3 on loopback (idempotent: if it runs, only its readiness is verified). */
export async function startSeaweedfs(opts: SeaweedfsOptions = {}): Promise<ComponentStart> {
  const log = opts.log ?? stderrLogger;
  const p = stackPaths().seaweedfs;
  return withLock('seaweedfs', async () => {
    const t0 = performance.now();
    const port = s3Port(opts);
    const status = processStatus('seaweedfs');
    if (status.running) {
      const recorded = recordedPort(status.record.meta);
      if (recorded !== undefined && recorded !== port) {
        throw new Error(
          `SeaweedFS already runs with S3 on port ${recorded} (pid ${status.record.pid}); stop it first`,
        );
      }
    } else {
      const ports = seaweedfsPorts(port);
      for (const [what, pair] of Object.entries(ports)) {
        await assertPortFree(pair.http, `SeaweedFS ${what}`, 'AMTSBOTE_S3_PORT');
        await assertPortFree(pair.grpc, `SeaweedFS ${what} gRPC`, 'AMTSBOTE_S3_PORT');
      }
      mkdirSync(p.data, { recursive: true });
      await ensureWeedBinary(p, log);
      writeFileSync(p.identities, renderS3Identities(), { mode: 0o600 });
    }
    const endpoint = s3Endpoint({ port });
    const started = await startProcess({
      name: 'seaweedfs',
      command: p.binary,
      args: weedServerArgs(p, port),
      cwd: p.data,
      logFile: p.log,
      ready: () => s3Ready(endpoint),
      timeoutMs: opts.timeoutMs ?? 60_000,
      pollMs: 500,
      meta: { port },
    });
    return {
      component: 'seaweedfs',
      pid: started.pid,
      alreadyRunning: started.alreadyRunning,
      ms: performance.now() - t0,
      url: endpoint,
      logFile: p.log,
    };
  });
}

export async function stopSeaweedfs(opts: StopOptions = {}): Promise<ComponentStop> {
  return withLock('seaweedfs', async () => {
    const t0 = performance.now();
    const port = recordedPort(processStatus('seaweedfs').record?.meta);
    const stopped = await stopProcess('seaweedfs', {
      signal: opts.signal ?? 'SIGTERM',
      timeoutMs: opts.timeoutMs ?? 20_000,
    });
    if (stopped && port !== undefined) {
      await waitPortsFree(
        Object.values(seaweedfsPorts(port)).flatMap((x) => [x.http, x.grpc]),
        10_000,
      );
    }
    return { component: 'seaweedfs', stopped, ms: performance.now() - t0 };
  });
}

export function seaweedfsRunning(): boolean {
  return processStatus('seaweedfs').running;
}
