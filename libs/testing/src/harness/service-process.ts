import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../stack';
import type { ServiceName } from './dev-env';

/** A built service running as its own Node process, as in production. */
export interface ServiceProcess {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  /** From spawning `main.js` until `/health/ready` first answered 200, ms (polled every 25 ms). */
  readyMs: number;
  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: no shutdown hook runs (a crash). */
  kill(): Promise<void>;
}

/** A port that was free a moment ago (the service binds it itself). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs the service's migrations (`dist/src/migrate.js`, as the Helm Job does), then starts
 * `dist/src/main.js` with `env` on a free loopback port and waits until `/health/ready` answers 200.
 * Only `env` (plus PATH) reaches the child, so nothing of the caller's environment leaks in. The child's
 * output goes to this process's stdout/stderr.
 */
export async function startServiceProcess(
  name: ServiceName,
  env: Record<string, string>,
  o: { nodeArgs?: string[]; readyTimeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const dist = join(repoRoot(), 'apps', name, 'dist', 'src');
  const port = await freeLoopbackPort();
  const childEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...env,
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  const migrated = spawnSync(process.execPath, [join(dist, 'migrate.js')], {
    env: childEnv,
    encoding: 'utf8',
  });
  if (migrated.status !== 0) throw new Error(`migrations of ${name} failed:\n${migrated.stderr}`);

  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), join(dist, 'main.js')], {
    env: childEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const end = async (signal: 'SIGTERM' | 'SIGKILL', graceMs: number): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const stop = (graceMs = 15_000): Promise<void> => end('SIGTERM', graceMs);
  const kill = (): Promise<void> => end('SIGKILL', 0);
  const deadline = Date.now() + (o.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) {
        const readyMs = Math.round(performance.now() - spawnedAt);
        return { name, url, child, readyMs, stop, kill };
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(2000);
      throw new Error(`${name} was not ready after ${o.readyTimeoutMs ?? 90_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
