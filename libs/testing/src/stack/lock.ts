import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stackPaths } from './paths';
import { sleep } from './util';

interface LockContent {
  pid: number;
  token: string;
  since: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockContent | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockContent;
  } catch {
    return undefined;
  }
}

function isStale(file: string, content: LockContent | undefined): boolean {
  if (content !== undefined) return !Number.isInteger(content.pid) || !pidAlive(content.pid);
  // Unparsable: either being written right now or garbage left by a crash.
  try {
    return Date.now() - statSync(file).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

export interface LockOptions {
  locksDir?: string;
  /** Default 15 min: a first Kafka start may wait for Maven and apt-get. */
  timeoutMs?: number;
}

/**
 * Runs `fn` while holding `.stack/locks/<name>.lock`, so two concurrent starts/stops of the same component
 * (from different processes or within one) run one after the other. Locks of dead holders are taken over.
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const dir = opts.locksDir ?? stackPaths().locksDir;
  const file = path.join(dir, `${name}.lock`);
  const mine: LockContent = { pid: process.pid, token: randomUUID(), since: new Date().toISOString() };
  const deadline = performance.now() + (opts.timeoutMs ?? 15 * 60_000);
  mkdirSync(dir, { recursive: true });
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(file);
    if (isStale(file, holder)) {
      // Re-read right before removing so a lock just taken over by someone else survives.
      const again = readLock(file);
      if (again?.token === holder?.token) rmSync(file, { force: true });
      continue;
    }
    if (performance.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${file} (held by pid ${holder?.pid ?? '?'} since ${holder?.since ?? '?'})`,
      );
    }
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    if (readLock(file)?.token === mine.token) rmSync(file, { force: true });
  }
}
