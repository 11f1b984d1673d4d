import { existsSync, mkdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { withLock } from './lock';
import { stackPaths } from './paths';
import { assertPortFree } from './ports';
import { processStatus, startProcess, stopProcess } from './process';
import type { ComponentStart, ComponentStop, StartOptions, StopOptions } from './types';
import { envPort } from './util';

export const OIDC_DEFAULT_PORT = 4400;
export const OIDC_ISSUER = `http://127.0.0.1:${envPort('AMTSBOTE_OIDC_PORT', OIDC_DEFAULT_PORT)}`;

export interface OidcOptions extends StartOptions {
  /** Default AMTSBOTE_OIDC_PORT or 4400. */
  port?: number;
}

export function oidcPort(opts: Pick<OidcOptions, 'port'> = {}): number {
  return opts.port ?? envPort('AMTSBOTE_OIDC_PORT', OIDC_DEFAULT_PORT);
}

/** Issuer of the local dev OIDC provider (honours AMTSBOTE_OIDC_PORT). */
export function oidcIssuer(opts: Pick<OidcOptions, 'port'> = {}): string {
  return `http://127.0.0.1:${oidcPort(opts)}`;
}

/** The discovery document answers with the expected issuer. */
export async function oidcReady(issuer: string = oidcIssuer()): Promise<boolean> {
  try {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (!res.ok) return false;
    const body = (await res.json()) as { issuer?: unknown };
    return body.issuer === issuer;
  } catch {
    return false;
  }
}

/** Starts the embedded dev OIDC provider (libs/testing/src/oidc) detached; idempotent. */
export async function startOidc(opts: OidcOptions = {}): Promise<ComponentStart> {
  const p = stackPaths().oidc;
  return withLock('oidc', async () => {
    const t0 = performance.now();
    const port = oidcPort(opts);
    const issuer = oidcIssuer({ port });
    const status = processStatus('oidc');
    if (status.running) {
      const recorded = status.record.meta?.port;
      if (typeof recorded === 'number' && recorded !== port) {
        throw new Error(
          `The OIDC provider already runs on port ${recorded} (pid ${status.record.pid}); stop it first`,
        );
      }
    } else {
      if (!existsSync(p.main)) {
        throw new Error(
          `The dev OIDC provider is not built: ${p.main} is missing (run: npx tsc -b libs/testing)`,
        );
      }
      await assertPortFree(port, 'OIDC provider', 'AMTSBOTE_OIDC_PORT');
      mkdirSync(p.dir, { recursive: true });
    }
    const started = await startProcess({
      name: 'oidc',
      command: process.execPath,
      args: [p.main, '--port', String(port), '--issuer', issuer, '--key-file', p.keyFile],
      cwd: stackPaths().root,
      logFile: p.log,
      ready: () => oidcReady(issuer),
      timeoutMs: opts.timeoutMs ?? 30_000,
      pollMs: 200,
      meta: { port },
    });
    return {
      component: 'oidc',
      pid: started.pid,
      alreadyRunning: started.alreadyRunning,
      ms: performance.now() - t0,
      url: issuer,
      logFile: p.log,
    };
  });
}

export async function stopOidc(opts: StopOptions = {}): Promise<ComponentStop> {
  return withLock('oidc', async () => {
    const t0 = performance.now();
    const stopped = await stopProcess('oidc', {
      signal: opts.signal ?? 'SIGTERM',
      timeoutMs: opts.timeoutMs ?? 10_000,
    });
    return { component: 'oidc', stopped, ms: performance.now() - t0 };
  });
}

export function oidcRunning(): boolean {
  return processStatus('oidc').running;
}
