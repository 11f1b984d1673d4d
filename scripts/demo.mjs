#!/usr/bin/env node
// `npm run demo [-- --keep]`: installs, builds, then runs the demo (test/demo/demo.ts).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureDependencies();
const build = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
const demo = spawnSync(process.execPath, [join(root, 'test/dist/demo/demo.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(demo.status ?? 1);
