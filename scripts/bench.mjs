#!/usr/bin/env node
// `npm run bench [-- outbox|fim ...]`: builds, starts the local stack if needed, runs the benchmarks.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = {
  outbox: { file: 'test/dist/bench/outbox.bench.js', stack: true },
  fim: { file: 'libs/fim/dist/bench/fim.bench.js', stack: false },
  intake: { file: 'apps/intake/dist/bench/intake.bench.js', stack: true },
  routing: { file: 'apps/routing/dist/bench/routing.bench.js', stack: true },
};
const wanted = process.argv.slice(2).filter((a) => a in BENCHES);
const selected = wanted.length > 0 ? wanted : Object.keys(BENCHES);

ensureDependencies();
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
if (run([join(root, 'node_modules/typescript/bin/tsc'), '-b']) !== 0) process.exit(1);
const cli = join(root, 'libs/testing/dist/src/stack/cli.js');
const needsStack = selected.some((b) => BENCHES[b].stack);
const hadStack = spawnSync(process.execPath, [cli, 'status'], { cwd: root, stdio: 'ignore' }).status === 0;
if (needsStack && run([cli, 'start']) !== 0) process.exit(1);
let failed = 0;
try {
  for (const b of selected) {
    console.log(`\n▶ bench:${b}`);
    if (run([join(root, BENCHES[b].file)]) !== 0) failed++;
  }
} finally {
  if (needsStack && !hadStack) run([cli, 'stop']);
}
process.exit(failed ? 1 : 0);
