#!/usr/bin/env node
// `node scripts/cpuprofile-top.mjs <dir or .cpuprofile files> [--top=N] [--last=SECONDS]`: where a V8 CPU
// profile (node --cpu-prof, e.g. the services of `bench:journey` with BENCH_JOURNEY_NODE_ARGS) spent its time:
// self time by area (a package under node_modules, a lib or app of ours, Node's internals, GC) and by
// function; `--last` counts only the profile's last seconds (e.g. the bench's idle phase before shutdown).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 20);
const last = Number(args.find((a) => a.startsWith('--last='))?.slice(7) ?? Infinity);
const files = args
  .filter((a) => !a.startsWith('--'))
  .flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(a, f))
      : [a],
  );
if (files.length === 0) {
  console.error('usage: cpuprofile-top.mjs <dir or .cpuprofile files> [--top=N]');
  process.exit(2);
}

/** `file:///…/node_modules/@nestjs/core/…` → `@nestjs/core`; our code by lib or app; Node's own by kind. */
function areaOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ours = /\/(libs|apps)\/([^/]+)\/(?:dist\/)?(?:src\/)?([^/]+)?/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}${ours[3] && !ours[3].endsWith('.js') ? `/${ours[3]}` : ''}`;
  return url;
}

const pct = (v, total) => `${((v / total) * 100).toFixed(1).padStart(5)} %`;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const from = profile.endTime - last * 1e6;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let total = 0;
  const areas = new Map();
  const fns = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += us;
    const area = areaOf(url, name);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${name}  ${url ? `${url.replace(/^file:\/\/.*?\/(node_modules|libs|apps)\//, '$1/')}:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const seconds = Math.min(last, (profile.endTime - profile.startTime) / 1e6);
  console.log(
    `\n${basename(file)}: ${(total / 1e6).toFixed(2)} s busy of ${seconds.toFixed(1)} s profiled (idle left out)`,
  );
  console.log('  by area (self time):');
  for (const [k, v] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(v, total)}  ${k}`);
  console.log('  by function (self time):');
  for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${pct(v, total)}  ${k}`);
}
