/**
 * `npm run demo`: starts the local stack (Kafka, PostgreSQL, OIDC provider) and the four services as real
 * processes, shows each ready, sends one event from intake through the outbox and shows the others
 * consuming it, then stops everything (or, with --keep, leaves it running and prints the URLs).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  devServiceEnv,
  eventually,
  mintToken,
  OIDC_ISSUER,
  repoRoot,
  SERVICE_PORTS,
  type ServiceName,
  stackPaths,
  startProcess,
  startStack,
  stopProcess,
  stopStack,
} from '@amtsbote/testing';

const keep = process.argv.includes('--keep');
const t0 = Date.now();
const SERVICES = Object.keys(SERVICE_PORTS) as ServiceName[];

function say(line: string): void {
  const secs = ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${secs}s] ${line}\n`);
}

function url(service: ServiceName): string {
  return `http://127.0.0.1:${SERVICE_PORTS[service]}`;
}

async function ready(service: ServiceName): Promise<boolean> {
  const res = await fetch(`${url(service)}/health/ready`);
  return res.status === 200;
}

async function main(): Promise<void> {
  say('Amtsbote demo: the event backbone across four services');
  const stack = await startStack();
  for (const c of stack)
    say(`stack: ${c.component} ${c.alreadyRunning ? 'already running' : 'started'} — ${c.url ?? ''}`);

  for (const service of SERVICES) {
    const r = spawnSync(process.execPath, [join(repoRoot(), 'apps', service, 'dist/src/migrate.js')], {
      env: { ...process.env, ...devServiceEnv(service) },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`migrations of ${service} failed:\n${r.stderr}`);
    say(`migrate: ${r.stdout.trim()}`);
  }

  for (const service of SERVICES) {
    await startProcess({
      name: service,
      command: process.execPath,
      args: [join(repoRoot(), 'apps', service, 'dist/src/main.js')],
      env: devServiceEnv(service),
      cwd: repoRoot(),
      logFile: join(stackPaths().root, 'logs', `${service}.log`),
      ready: () => ready(service),
      timeoutMs: 90000,
    });
    say(`service: ${service} ready at ${url(service)} (GET /health/ready → 200)`);
  }

  const operator = await mintToken(OIDC_ISSUER, 'operator');
  say(`sign-in: operator got an access token from ${OIDC_ISSUER}`);
  const sent = await fetch(`${url('intake')}/diagnostics/echo`, {
    method: 'POST',
    headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: 'Hallo aus dem Amtsboten' }),
  });
  if (sent.status !== 202) throw new Error(`intake refused the probe: ${sent.status} ${await sent.text()}`);
  const { echoId } = (await sent.json()) as { echoId: string };
  const sentAt = Date.now();
  say(`event: intake wrote de.amtsbote.diagnostics.echo.v1 ${echoId} through its outbox`);

  for (const service of ['accounts', 'payment', 'routing'] as const) {
    await eventually(
      async () => {
        const r = await fetch(`${url(service)}/diagnostics/echo/${echoId}`, {
          headers: { authorization: `Bearer ${operator}` },
        });
        return r.status === 200 ? true : undefined;
      },
      { what: `${service} to consume the event`, timeoutMs: 30000 },
    );
    say(`event: ${service} consumed it (inbox recorded) after ${Date.now() - sentAt} ms`);
  }

  if (keep) {
    say('everything keeps running (--keep):');
    for (const s of SERVICES)
      say(`  ${s.padEnd(8)} ${url(s)}/docs (OpenAPI), ${url(s)}/health/ready, ${url(s)}/metrics`);
    say(`  oidc     ${OIDC_ISSUER}/.well-known/openid-configuration`);
    say('  stop it all with: npm run stack -- stop  (services: kill the pids in .stack/pids)');
    return;
  }
  for (const s of SERVICES) await stopProcess(s);
  say('services stopped');
  await stopStack();
  say(`stack stopped — demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!keep) {
      for (const s of SERVICES) await stopProcess(s).catch(() => undefined);
    }
    process.exit(1);
  },
);
