#!/usr/bin/env node
// `npm test`: install, build (typecheck), lint, format check, unit tests, then integration and journey
// tests against a real Kafka broker and PostgreSQL that this script starts (and stops again if it
// started them). Prints one closing line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const started = Date.now();

function step(name, cmd, cmdArgs, opts = {}) {
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  const secs = ((Date.now() - t) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${name} failed after ${secs}s`);
    return false;
  }
  console.log(`✔ ${name} (${secs}s)`);
  return true;
}

function find(dir, suffix, acc = []) {
  if (!existsSync(dir)) return acc;
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) find(p, suffix, acc);
    else if (p.endsWith(suffix)) acc.push(p);
  }
  return acc;
}

function distDirs() {
  const dirs = [];
  for (const group of ['libs', 'apps']) {
    for (const name of readdirSync(join(root, group))) dirs.push(join(root, group, name, 'dist'));
  }
  dirs.push(join(root, 'test', 'dist'));
  return dirs;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
// Outside the repo: tests may clean up .stack/ while they run.
const countDir = mkdtempSync(join(tmpdir(), 'amtsbote-test-counts-'));

function runTests(name, files, concurrency, { isolateFromStack = false } = {}) {
  if (files.length === 0) {
    console.log(`\n▶ ${name}: no test files`);
    return true;
  }
  mkdirSync(countDir, { recursive: true });
  const countFile = join(countDir, `${name.replace(/\W+/g, '-')}.json`);
  rmSync(countFile, { force: true });
  const ok = step(
    `${name} (${files.length} files)`,
    process.execPath,
    [
      '--test',
      // A file whose tests are done ends even if a library left a socket or timer behind.
      '--test-force-exit',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(root, 'scripts', 'count-reporter.mjs')}`,
      '--test-reporter-destination=/dev/null',
      ...files.map((f) => relative(root, f)),
    ],
    { env: { ...testEnv(isolateFromStack), AMTSBOTE_COUNT_FILE: countFile, NODE_ENV: 'test' } },
  );
  if (existsSync(countFile)) {
    const c = JSON.parse(readFileSync(countFile, 'utf8'));
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
  } else if (!ok) {
    totals.failed += 1;
  }
  return ok;
}

/** Unit tests must not depend on where a local stack runs (AMTSBOTE_*_PORT, AMTSBOTE_STACK_DIR). */
function testEnv(isolateFromStack) {
  if (!isolateFromStack) return { ...process.env };
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^AMTSBOTE_(STACK_DIR|\w+_PORT)$/.test(k)),
  );
}

function stack(...cmd) {
  return (
    spawnSync(process.execPath, [join(root, 'libs/testing/dist/src/stack/cli.js'), ...cmd], {
      cwd: root,
      stdio: 'inherit',
    }).status === 0
  );
}

function stackWasRunning() {
  const r = spawnSync(process.execPath, [join(root, 'libs/testing/dist/src/stack/cli.js'), 'status'], {
    cwd: root,
    stdio: 'ignore',
  });
  return r.status === 0;
}

let ok = true;
ensureDependencies();
ok =
  step('build and typecheck (tsc -b)', process.execPath, [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-b',
  ]) && ok;
if (!ok) process.exit(1);
if (!only || only === 'lint') {
  ok =
    step('lint (eslint)', process.execPath, [
      join(root, 'node_modules/eslint/bin/eslint.js'),
      '--max-warnings',
      '0',
      '.',
    ]) && ok;
  ok =
    step('format (prettier --check)', process.execPath, [
      join(root, 'node_modules/prettier/bin/prettier.cjs'),
      '--check',
      '--log-level',
      'warn',
      '.',
    ]) && ok;
}
const dists = distDirs();
if (!only || only === 'unit') {
  const unit = dists
    .flatMap((d) => find(d, '.spec.js'))
    .filter((f) => !f.endsWith('.int-spec.js') && !f.endsWith('.e2e-spec.js'));
  ok = runTests('unit tests', unit, 2, { isolateFromStack: true }) && ok;
}
if (!only || only === 'int' || only === 'e2e') {
  const hadStack = stackWasRunning();
  if (!stack('start')) {
    console.error('✖ could not start the local stack (see messages above)');
    process.exit(1);
  }
  // A broker kept across runs would pile up every run's namespaced topics until its heap runs out.
  stack('prune-topics');
  try {
    if (!only || only === 'int') {
      // Integration specs share one broker and one PostgreSQL and some stop them on purpose: one file at a time.
      const int = dists.flatMap((d) => find(d, '.int-spec.js'));
      ok = runTests('integration tests', int, 1) && ok;
    }
    if (!only || only === 'e2e') {
      ok = runTests('journey tests', find(join(root, 'test', 'dist'), '.e2e-spec.js'), 1) && ok;
    }
  } finally {
    if (!hadStack) stack('stop');
  }
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`\nnpm test finished in ${minutes} min`);
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`,
);
process.exit(ok && totals.failed === 0 ? 0 : 1);
