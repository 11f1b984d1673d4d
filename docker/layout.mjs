#!/usr/bin/env node
// Assembles the runtime layout of one service's image from a built checkout, without node_modules:
//
//   node docker/layout.mjs <app> <out-dir> [--from <repo-root>]
//
// <out-dir> receives the root package.json and package-lock.json, every workspace's package.json (npm ci
// needs all of them to accept the lockfile; devDependencies are stripped, see below), and for the app and
// the libs it depends on (transitively, through `dependencies`) their compiled `dist/src` without tests,
// declarations and source maps, plus their runtime assets (for example `libs/fim/codelists`).
// The Dockerfile runs this in its build stage and then, in /app,
//
//   npm ci --omit=dev --workspace apps/<app> --include-workspace-root=false --ignore-scripts
//
// test/deploy/runtime-layout.int-spec.ts runs the same two steps and starts the service from the result.
//
// Why strip devDependencies: npm links workspaces into node_modules, and the lockfile does not flag the
// dependencies of a linked workspace as dev even when the workspace itself is only a devDependency
// (`@amtsbote/testing` of every app). Without the strip, `--omit=dev` still installs the test stack
// (embedded PostgreSQL, the OIDC provider). The lockfile stays authoritative for every version.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Top-level entries of a workspace that never go into an image (unless its package.json `files` names them). */
const NOT_SHIPPED = new Set([
  'src',
  'test',
  'tests',
  'bench',
  'dist',
  'node_modules',
  'coverage',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'CHANGELOG.md',
]);

/** Compiled files that are not needed to run (tests, declarations, source maps, build info). */
function isRuntimeFile(name) {
  return !(
    /\.(int-|e2e-)?spec\.js$/.test(name) ||
    name.endsWith('.d.ts') ||
    name.endsWith('.map') ||
    name.endsWith('.tsbuildinfo')
  );
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function copyFiltered(from, to) {
  cpSync(from, to, {
    recursive: true,
    filter: (src) => statSync(src).isDirectory() || isRuntimeFile(src),
  });
}

/**
 * Writes the layout for `app` into `out`. Returns the workspace directories whose code was copied.
 * Throws when the app is unknown or a needed workspace has not been built.
 */
export function assembleLayout({ root, app, out }) {
  const rootManifest = readJson(join(root, 'package.json'));
  const workspaces = rootManifest.workspaces ?? [];
  const byName = new Map();
  for (const ws of workspaces) {
    const manifest = readJson(join(root, ws, 'package.json'));
    byName.set(manifest.name, { dir: ws, manifest });
  }
  const appDir = `apps/${app}`;
  if (!workspaces.includes(appDir)) {
    throw new Error(
      `unknown app "${app}": not a workspace (${workspaces.filter((w) => w.startsWith('apps/')).join(', ')})`,
    );
  }

  // The app and the workspaces it needs at run time.
  const needed = new Set();
  const visit = (dir) => {
    if (needed.has(dir)) return;
    needed.add(dir);
    const manifest = readJson(join(root, dir, 'package.json'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const ws = byName.get(dep);
      if (ws) visit(ws.dir);
    }
  };
  visit(appDir);

  mkdirSync(out, { recursive: true });
  cpSync(join(root, 'package.json'), join(out, 'package.json'));
  cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
  for (const ws of workspaces) {
    const manifest = readJson(join(root, ws, 'package.json'));
    delete manifest.devDependencies;
    mkdirSync(join(out, ws), { recursive: true });
    writeFileSync(join(out, ws, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  }

  for (const dir of needed) {
    const built = join(root, dir, 'dist', 'src');
    if (!existsSync(built))
      throw new Error(`${dir} is not built (${built} missing): run tsc -b apps/${app} first`);
    copyFiltered(built, join(out, dir, 'dist', 'src'));
    const manifest = readJson(join(root, dir, 'package.json'));
    const assets = Array.isArray(manifest.files)
      ? manifest.files.filter((f) => !f.startsWith('dist'))
      : readdirSync(join(root, dir)).filter((entry) => !NOT_SHIPPED.has(entry) && !entry.startsWith('.'));
    for (const asset of assets) {
      const from = join(root, dir, asset);
      if (existsSync(from)) copyFiltered(from, join(out, dir, asset));
    }
  }
  return [...needed].sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const fromAt = args.indexOf('--from');
  const root =
    fromAt >= 0 ? resolve(args.splice(fromAt, 2)[1]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const [app, out] = args;
  if (!app || !out) {
    console.error('usage: node docker/layout.mjs <app> <out-dir> [--from <repo-root>]');
    process.exit(2);
  }
  try {
    const copied = assembleLayout({ root, app, out: resolve(out) });
    console.log(`layout for ${app} in ${resolve(out)}: ${copied.join(', ')}`);
  } catch (err) {
    console.error(`layout: ${err.message}`);
    process.exit(1);
  }
}
