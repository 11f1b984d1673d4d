/**
 * `npm run demo`: the whole citizen journey on the local machine. Starts the local stack (Kafka,
 * PostgreSQL, OIDC provider), the payment provider simulator, the Fachverfahren simulator and the four
 * services as real processes, seeds tenant, FIM schema, Leistung, fee, destination and route through the
 * admin APIs, then walks anna from the form to the Bescheid in her Postkorb (test/journeys/journey.ts) and
 * prints the trail. Afterwards it stops what it started (or, with --keep, leaves everything running and
 * prints the URLs). Exit code 0 on success, 1 with the failing step on failure.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultNamespace, parseSchema } from '@amtsbote/fim';
import {
  devSchemaDir,
  devServiceEnv,
  devServiceUrl,
  OIDC_ISSUER,
  repoRoot,
  SERVICE_PORTS,
  type ServiceName,
  SIMULATOR_PORTS,
  startProcess,
  startStack,
  type StackComponent,
  stopProcess,
  stackPaths,
  stopStack,
} from '@amtsbote/testing';
import {
  DEMO,
  type JourneyResult,
  type JourneyTargets,
  seedDemo,
  seedFitConnect,
  walkCitizen,
} from '../journeys/journey';

const keep = process.argv.includes('--keep');
const t0 = Date.now();
const SERVICES = Object.keys(SERVICE_PORTS) as ServiceName[];
const SIMULATORS = ['payment-simulator', 'fachverfahren-simulator', 'zustelldienst-simulator'] as const;
const simUrl = (port: number) => `http://127.0.0.1:${port}`;
const started: string[] = [];
let stackStarted: StackComponent[] = [];

function say(line: string): void {
  const secs = ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
  process.stdout.write(`[${secs}s] ${line}\n`);
}

async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.status === 200;
}

async function stopStarted(): Promise<void> {
  for (const name of started.reverse()) await stopProcess(name).catch(() => undefined);
  if (stackStarted.length > 0) await stopStack({ only: stackStarted }).catch(() => undefined);
}

async function main(): Promise<void> {
  say('Amtsbote demo: a residents’ parking permit (Bewohnerparkausweis) from the form to the Bescheid');
  const stack = await startStack();
  stackStarted = stack.filter((c) => !c.alreadyRunning).map((c) => c.component);
  for (const c of stack)
    say(`stack: ${c.component} ${c.alreadyRunning ? 'already running' : 'started'} — ${c.url ?? ''}`);

  // The destination's HMAC secret: given to routing when registering, and to the simulator.
  const destinationSecret = `demo-${randomBytes(24).toString('base64url')}`;
  const targets: JourneyTargets = {
    issuer: OIDC_ISSUER,
    intake: devServiceUrl('intake'),
    accounts: devServiceUrl('accounts'),
    payment: devServiceUrl('payment'),
    routing: devServiceUrl('routing'),
    paymentSimulator: simUrl(SIMULATOR_PORTS.payment),
    fachverfahren: simUrl(SIMULATOR_PORTS.fachverfahren),
    destinationSecret,
    waitMs: 90_000,
  };

  // A simulator left over from an earlier `--keep` run would hold another secret: start them afresh.
  for (const name of SIMULATORS) await stopProcess(name).catch(() => undefined);
  const lib = join(repoRoot(), 'libs', 'testing', 'dist', 'src', 'simulators');
  const pay = await startProcess({
    name: 'payment-simulator',
    command: process.execPath,
    args: [join(lib, 'payment', 'main.js'), '--port', String(SIMULATOR_PORTS.payment)],
    cwd: repoRoot(),
    ready: () => answers(`${targets.paymentSimulator}/health`),
  });
  started.push('payment-simulator');
  say(`simulator: payment provider ready at ${targets.paymentSimulator} (${pay.ms.toFixed(0)} ms)`);
  const fv = await startProcess({
    name: 'fachverfahren-simulator',
    command: process.execPath,
    args: [
      join(lib, 'fachverfahren', 'main.js'),
      ...['--port', String(SIMULATOR_PORTS.fachverfahren), '--secret', destinationSecret],
      ...['--schema-dir', devSchemaDir(), '--routing-url', targets.routing, '--issuer', OIDC_ISSUER],
      ...['--client-id', 'fv-bremen-parken', '--client-secret', 'fv-bremen-parken-secret', '--auto-respond'],
    ],
    cwd: repoRoot(),
    ready: () => answers(`${targets.fachverfahren}/_sim/stats`),
  });
  started.push('fachverfahren-simulator');
  say(`simulator: Fachverfahren ready at ${targets.fachverfahren} (${fv.ms.toFixed(0)} ms)`);

  // The Zustelldienst simulator with a Fachverfahren on FIT-Connect, and routing's files for it: the sender
  // client's secret and the test PKI's root (written by the simulator), and routing's reply key pair.
  const fcDir = join(stackPaths().stackDir, 'demo', 'fitconnect');
  rmSync(fcDir, { recursive: true, force: true });
  mkdirSync(fcDir, { recursive: true });
  const replyKey = generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ format: 'jwk' });
  writeFileSync(
    join(fcDir, 'reply-keys.json'),
    JSON.stringify({ keys: [{ ...replyKey, kid: `demo-reply-${Date.now()}`, alg: 'RSA-OAEP-256' }] }),
  );
  const zustelldienst = simUrl(SIMULATOR_PORTS.zustelldienst);
  const fim = parseSchema(readFileSync(DEMO.schemaFile, 'utf8'));
  // Its keys take seconds to generate: it starts while the migrations run.
  const zdStarting = startProcess({
    name: 'zustelldienst-simulator',
    command: process.execPath,
    args: [
      join(lib, 'zustelldienst', 'main.js'),
      ...[
        '--port',
        String(SIMULATOR_PORTS.zustelldienst),
        '--out-dir',
        fcDir,
        '--schema-dir',
        devSchemaDir(),
      ],
      ...['--leika', DEMO.leikaKey, '--region', `DE${DEMO.region}`, '--schema-uri', defaultNamespace(fim)],
    ],
    cwd: repoRoot(),
    ready: async () =>
      existsSync(join(fcDir, 'destination.json')) && answers(`${zustelldienst}/_sim/submissions`),
  });
  const routingFitConnect = {
    ROUTING_FITCONNECT_SECRETS_DIR: fcDir,
    ROUTING_FITCONNECT_TRUST_ANCHORS_FILE: join(fcDir, 'anchors.pem'),
    ROUTING_FITCONNECT_REPLY_KEYS_FILE: join(fcDir, 'reply-keys.json'),
    ROUTING_FITCONNECT_FOLLOW_UP_MS: '500',
    ROUTING_FITCONNECT_REPLY_POLL_MS: '1000',
  };
  const envOf = (service: ServiceName) =>
    devServiceEnv(service, service === 'routing' ? routingFitConnect : {});

  for (const service of SERVICES) {
    const r = spawnSync(process.execPath, [join(repoRoot(), 'apps', service, 'dist/src/migrate.js')], {
      env: { ...process.env, ...devServiceEnv(service) },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`migrations of ${service} failed:\n${r.stderr}`);
    say(`migrate: ${r.stdout.trim().split('\n').pop() ?? service}`);
  }

  const zd = await zdStarting;
  started.push('zustelldienst-simulator');
  say(
    `simulator: Zustelldienst (FIT-Connect) with a subscribing Fachverfahren at ${zustelldienst} (${zd.ms.toFixed(0)} ms)`,
  );

  await Promise.all(
    SERVICES.map(async (service) => {
      const p = await startProcess({
        name: service,
        command: process.execPath,
        args: [join(repoRoot(), 'apps', service, 'dist/src/main.js')],
        env: envOf(service),
        cwd: repoRoot(),
        ready: () => answers(`${devServiceUrl(service)}/health/ready`),
        timeoutMs: 120_000,
      });
      if (!p.alreadyRunning) started.push(service);
      say(
        `service: ${service} ${p.alreadyRunning ? 'already running' : 'ready'} at ${devServiceUrl(service)} (${p.ms.toFixed(0)} ms)`,
      );
    }),
  );

  say('— the administrators set up the Leistung (real admin APIs) —');
  await seedDemo(targets, (line) => say(line));

  say('— anna applies for a Bewohnerparkausweis —');
  const r = await walkCitizen(targets, (line) => say(line));

  report(r);

  say('— the Land moves Bewohnerparken to a Fachverfahren on FIT-Connect; anna applies again —');
  await seedFitConnect(targets, (line) => say(line), {
    ...(JSON.parse(readFileSync(join(fcDir, 'destination.json'), 'utf8')) as Record<string, unknown>),
  });
  const fc = await walkCitizen(targets, (line) => say(line), { fitConnect: { zustelldienst } });
  report(fc);

  if (keep) {
    say('everything keeps running (--keep):');
    for (const s of SERVICES)
      say(`  ${s.padEnd(8)} ${devServiceUrl(s)}/docs (OpenAPI), /health/ready, /metrics`);
    say(`  pay page ${r.payPage} (each payment's redirectUrl from POST /submissions/{id}/payment)`);
    say(`  Fachverfahren simulator ${targets.fachverfahren}/_sim/messages, /_sim/stats`);
    say(`  Zustelldienst simulator ${zustelldienst}/_sim/submissions`);
    say(`  oidc     ${OIDC_ISSUER}/.well-known/openid-configuration`);
    say(`  Leistung ${targets.intake}/tenants/${DEMO.tenant}/leistungen/${DEMO.leikaKey}/form`);
    say('  stop it all with: npm run stack -- stop  (services and simulators: kill the pids in .stack/pids)');
    return;
  }
  await stopStarted();
  say(
    `stopped what the demo started${stackStarted.length > 0 ? ` (incl. ${stackStarted.join(', ')})` : ' (the stack was already running and stays)'} — demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}

function report(r: JourneyResult): void {
  say('— what happened —');
  say(`Vorgangsnummer ${r.vorgangsnummer} (submission ${r.submissionId})`);
  say(`intake status: ${r.intakeTimeline.map((e) => `${e.status} +${e.atMs} ms`).join(' → ')}`);
  // Several services report the same step; the trail shows each citizen-facing step once.
  const postkorb = r.postkorbTimeline
    .map((e) => `${e.status ?? '·'} (${e.title})`)
    .filter((line, i, all) => line !== all[i - 1]);
  say(`Postkorb timeline: ${postkorb.join(' → ')}`);
  say(
    `Fachverfahren: ${r.fachverfahren.format} message ${r.messageId}, ${r.fachverfahren.valid ? 'valid' : 'invalid'} (${r.fachverfahren.checked.join(', ')})`,
  );
  say(`Bescheid: „${r.bescheid.subject}“, ${r.bescheid.filename} ${r.bescheid.bytes} bytes downloaded`);
  say(
    `submit → delivered ${r.submitToDeliveredMs} ms · submit → ${r.postkorbStatus} in the Postkorb ${r.submitToCompletedMs} ms`,
  );
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    process.stderr.write(`\ndemo FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    process.stderr.write('logs of the services and simulators: .stack/logs/\n');
    if (!keep) await stopStarted();
    process.exit(1);
  },
);
