#!/usr/bin/env node
// `npm run stack -- <start|stop|status|restart> [kafka|postgres|oidc ...]`
// Makes a fresh checkout work with one command: installs dependencies when the lock file is newer than the
// installed tree, builds libs/testing (incremental, quick when up to date), then runs the compiled stack CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'libs', 'testing', 'dist', 'src', 'stack', 'cli.js');

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function run(command, args, what) {
  const res = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (res.error) {
    console.error(`[stack] ${what} failed: ${res.error.message}`);
    process.exit(1);
  }
  if (res.status !== 0) {
    console.error(`[stack] ${what} failed (${res.signal ?? `exit ${res.status}`})`);
    process.exit(res.status ?? 1);
  }
}

// npm writes node_modules/.package-lock.json after every successful install.
const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
const locked = mtime(path.join(root, 'package-lock.json'));
if (installed === undefined || (locked !== undefined && installed < locked)) {
  console.log('[stack] dependencies missing or outdated: npm ci …');
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
}

const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.error(`[stack] ${tsc} is missing; run npm ci`);
  process.exit(1);
}
run(
  process.execPath,
  [tsc, '-b', path.join('libs', 'testing')],
  'build of libs/testing (tsc -b libs/testing)',
);

const res = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (res.error) {
  console.error(`[stack] cannot run ${cli}: ${res.error.message}`);
  process.exit(1);
}
process.exit(res.status ?? 1);
