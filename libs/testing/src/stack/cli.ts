#!/usr/bin/env node
import { performance } from 'node:perf_hooks';
import { pruneTestTopics } from './kafka';
import { isStackComponent, stackStatus, startComponent, STACK_COMPONENTS, stopComponent } from './stack';
import type { ComponentStart, ComponentStop, StackComponent } from './types';
import { errorMessage, formatMs } from './util';

const USAGE = `Usage: node libs/testing/dist/src/stack/cli.js <start|stop|status|restart> [kafka|postgres|oidc|seaweedfs ...]
       node libs/testing/dist/src/stack/cli.js prune-topics
       npm run stack -- <start|stop|status|restart|prune-topics> [component ...]

Starts, checks and stops the local infrastructure on 127.0.0.1 (data, logs and pid files in .stack/).
Without components all of kafka, postgres, oidc and seaweedfs (S3) are meant. Exit code 0 if everything asked for is fine.
prune-topics deletes the topics earlier test and benchmark runs left on the running broker.
Ports: AMTSBOTE_KAFKA_PORT (9092), AMTSBOTE_KAFKA_CONTROLLER_PORT (9093), AMTSBOTE_POSTGRES_PORT (55432),
       AMTSBOTE_OIDC_PORT (4400), AMTSBOTE_S3_PORT (8333; SeaweedFS's other ports are the next 14);
       AMTSBOTE_STACK_DIR moves the state dir (for a second, isolated stack).`;

const pad = (c: string): string => c.padEnd(10);

function describeStart(r: ComponentStart): string {
  return r.alreadyRunning
    ? `✓ ${pad(r.component)}already running  ${r.url} (pid ${r.pid}), ready check ${formatMs(r.ms)}`
    : `✓ ${pad(r.component)}started          ${r.url} (pid ${r.pid}) in ${formatMs(r.ms)}`;
}

function describeStop(r: ComponentStop): string {
  return r.stopped
    ? `✓ ${pad(r.component)}stopped in ${formatMs(r.ms)}`
    : `- ${pad(r.component)}was not running`;
}

function fail(component: StackComponent, verb: string, err: unknown): false {
  console.error(`✗ ${pad(component)}${verb} failed: ${errorMessage(err)}`);
  return false;
}

async function start(components: readonly StackComponent[]): Promise<boolean> {
  const results = await Promise.all(
    components.map((c) =>
      startComponent(c, { log: (msg) => console.log(`  ${pad(c)}${msg}`) }).then(
        (r) => {
          console.log(describeStart(r));
          return true;
        },
        (err: unknown) => fail(c, 'start', err),
      ),
    ),
  );
  return results.every(Boolean);
}

async function stop(components: readonly StackComponent[]): Promise<boolean> {
  const results = await Promise.all(
    components.map((c) =>
      stopComponent(c).then(
        (r) => {
          console.log(describeStop(r));
          return true;
        },
        (err: unknown) => fail(c, 'stop', err),
      ),
    ),
  );
  return results.every(Boolean);
}

async function status(components: readonly StackComponent[]): Promise<boolean> {
  const statuses = await stackStatus({ only: components });
  for (const s of statuses) {
    if (s.ready) {
      console.log(
        `✓ ${pad(s.component)}up        ${s.url} (pid ${s.pid ?? '?'}, since ${s.startedAt ?? '?'})`,
      );
    } else if (s.running) {
      console.log(`✗ ${pad(s.component)}NOT READY ${s.url} (pid ${s.pid ?? '?'}); log: ${s.logFile}`);
    } else {
      console.log(`- ${pad(s.component)}down`);
    }
  }
  return statuses.every((s) => s.ready);
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...names] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'prune-topics') {
    const t0 = performance.now();
    const n = await pruneTestTopics();
    console.log(
      `✓ kafka    ${n} topic(s) of earlier test runs deleted in ${formatMs(performance.now() - t0)}`,
    );
    return 0;
  }
  const unknown = names.filter((n) => !isStackComponent(n));
  if (command === undefined || unknown.length > 0) {
    if (unknown.length > 0) console.error(`Unknown component(s): ${unknown.join(', ')}`);
    console.error(USAGE);
    return 1;
  }
  const components = names.length > 0 ? (names as StackComponent[]) : STACK_COMPONENTS;
  const t0 = performance.now();
  let ok: boolean;
  switch (command) {
    case 'start':
      ok = await start(components);
      break;
    case 'stop':
      ok = await stop(components);
      break;
    case 'restart':
      ok = (await stop(components)) && (await start(components));
      break;
    case 'status':
      return (await status(components)) ? 0 : 1;
    default:
      console.error(`Unknown command '${command}'\n${USAGE}`);
      return 1;
  }
  if (components.length > 1) console.log(`${ok ? 'done' : 'FAILED'} in ${formatMs(performance.now() - t0)}`);
  return ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(errorMessage(err));
      process.exit(1);
    },
  );
}
