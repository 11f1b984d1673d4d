#!/usr/bin/env node
// `npm run bench [-- outbox|fim|intake|routing|journey ...] [--save]`: builds, starts the local stack if
// needed, runs the benchmarks. Each bench prints one `BENCH_RESULT <json>` line; a run of all of them (or
// one with --save) writes those figures and the machine to bench/results/<YYYY-MM-DD>.json (a run of some
// merges into that day's file) and the chart beside it as <YYYY-MM-DD>.svg. BENCH_RESULTS_DIR moves both.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart } from './bench-chart.mjs';
import { ensureDependencies } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = {
  outbox: { file: 'test/dist/bench/outbox.bench.js', stack: true },
  fim: { file: 'libs/fim/dist/bench/fim.bench.js', stack: false },
  intake: { file: 'apps/intake/dist/bench/intake.bench.js', stack: true },
  routing: { file: 'apps/routing/dist/bench/routing.bench.js', stack: true },
  journey: { file: 'test/dist/bench/journey.bench.js', stack: true },
};
const args = process.argv.slice(2);
const wanted = args.filter((a) => a in BENCHES);
const selected = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const save = wanted.length === 0 || args.includes('--save');
const PREFIX = 'BENCH_RESULT ';

function machine() {
  const cpus = os.cpus();
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    // A busy machine skews every figure; the load at the start tells a reader whether it was quiet.
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    commit: git.status === 0 ? git.stdout.trim() : undefined,
  };
}

/** Runs one bench, passing its output through, and resolves with its exit code and BENCH_RESULT lines. */
function runBench(file) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const results = [];
    let rest = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith(PREFIX)) continue;
        try {
          results.push(JSON.parse(line.slice(PREFIX.length)));
        } catch {
          console.error(`bench: unreadable result line: ${line.slice(0, 200)}`);
        }
      }
    });
    child.on('close', (code, signal) => done({ status: code ?? (signal ? 1 : 0), results }));
  });
}

function writeResults(figures, failed) {
  const dir = resolve(root, process.env.BENCH_RESULTS_DIR ?? 'bench/results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const file = join(dir, `${date.slice(0, 10)}.json`);
  // A run of some benches adds to the day's file instead of dropping the others' figures.
  const earlier = wanted.length > 0 && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const results = {
    date,
    machine: machine(),
    benches: { ...earlier.benches, ...figures },
    failed: [...new Set([...(earlier.failed ?? []).filter((b) => !(b in figures)), ...failed])],
  };
  const put = (path, content) => {
    writeFileSync(`${path}.tmp`, content);
    renameSync(`${path}.tmp`, path);
  };
  put(file, `${JSON.stringify(results, null, 2)}\n`);
  put(file.replace(/\.json$/, '.svg'), renderChart(results));
  console.log(
    `\nbench: figures in ${relative(root, file)}, chart in ${relative(root, file.replace(/\.json$/, '.svg'))}`,
  );
}

ensureDependencies();
const run = (argv) => spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' }).status ?? 1;
if (run([join(root, 'node_modules/typescript/bin/tsc'), '-b']) !== 0) process.exit(1);
const cli = join(root, 'libs/testing/dist/src/stack/cli.js');
const needsStack = selected.some((b) => BENCHES[b].stack);
const hadStack = spawnSync(process.execPath, [cli, 'status'], { cwd: root, stdio: 'ignore' }).status === 0;
if (needsStack && run([cli, 'start']) !== 0) process.exit(1);
// Topics left by earlier test and benchmark runs would weigh on the broker (and its heap).
if (needsStack) run([cli, 'prune-topics']);
const figures = {};
const failed = [];
try {
  for (const b of selected) {
    console.log(`\n▶ bench:${b}`);
    const r = await runBench(BENCHES[b].file);
    const result = r.results.at(-1);
    if (r.status !== 0 || result === undefined) failed.push(b);
    else figures[b] = result;
  }
} finally {
  if (needsStack && !hadStack) run([cli, 'stop']);
}
if (save) writeResults(figures, failed);
process.exit(failed.length > 0 ? 1 : 0);
