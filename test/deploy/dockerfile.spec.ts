// Lint of docker/Dockerfile and .dockerignore (there is no Docker engine here: the rules are checked on the
// parsed Dockerfile), and of the runtime layout docker/layout.mjs cuts out of a built checkout.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '@amtsbote/testing';
import { type Copy, DockerfileParser, type Dockerfile, type Instruction } from 'dockerfile-ast';

const root = repoRoot();
const SERVICES = ['intake', 'accounts', 'payment', 'routing'] as const;

interface Stage {
  name: string | null;
  from: string;
  instructions: Instruction[];
}

function stages(df: Dockerfile): Stage[] {
  const out: Stage[] = [];
  for (const ins of df.getInstructions()) {
    if (ins.getKeyword() === 'FROM') {
      const args = ins.getArguments().map((a) => a.getValue());
      const as = args.findIndex((a) => a.toUpperCase() === 'AS');
      out.push({ name: as >= 0 ? args[as + 1] : null, from: args[0], instructions: [] });
    } else if (out.length) {
      out[out.length - 1].instructions.push(ins);
    }
  }
  return out;
}

const keyword = (stage: Stage, kw: string) => stage.instructions.filter((i) => i.getKeyword() === kw);
const text = (i: Instruction) => i.getArgumentsContent() ?? '';

/** KEY=VALUE properties of LABEL/ENV instructions (quotes removed). */
function properties(instructions: Instruction[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ins of instructions) {
    for (const p of (
      ins as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }
    ).getProperties()) {
      out[p.getName()] = (p.getValue() ?? '').replace(/^"|"$/g, '');
    }
  }
  return out;
}

/** JSON (exec-form) arguments of CMD/HEALTHCHECK CMD, or undefined for shell form. */
function execForm(ins: Instruction): string[] | undefined {
  const raw = text(ins).replace(/^CMD\s+/i, '');
  const start = raw.indexOf('[');
  if (start < 0) return undefined;
  try {
    return JSON.parse(raw.slice(start).replace(/\\\n/g, '')) as string[];
  } catch {
    return undefined;
  }
}

/** .dockerignore semantics, enough for these rules: globs with * ? **, later "!" lines re-include. */
function dockerignored(patterns: string[], path: string): boolean {
  let ignored = false;
  for (const line of patterns) {
    const negate = line.startsWith('!');
    const glob = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const re = new RegExp(
      '^' +
        glob
          .split('**')
          .map((part) =>
            part
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '[^/]*')
              .replace(/\?/g, '[^/]'),
          )
          .join('.*')
          .replace(/\.\*\//g, '(.*/)?') +
        '(/.*)?$',
    );
    if (re.test(path)) ignored = !negate;
  }
  return ignored;
}

describe('docker/Dockerfile', () => {
  const source = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');
  const df = DockerfileParser.parse(source);
  const all = stages(df);
  const runtime = all[all.length - 1];

  it('is multi-stage, with a slim Node runtime as the last stage', () => {
    assert.ok(all.length >= 2, 'at least a build and a runtime stage');
    assert.deepEqual(
      all.map((s) => s.name),
      ['build', 'deps', 'runtime'],
    );
    const nodeImage = df
      .getInitialARGs()
      .flatMap((a) => (a.getProperty() ? [[a.getProperty()!.getName(), a.getProperty()!.getValue()]] : []))
      .find(([n]) => n === 'NODE_IMAGE')?.[1];
    assert.match(nodeImage ?? '', /^node:20-bookworm-slim$|^gcr\.io\/distroless\/nodejs20/);
    for (const s of all) assert.equal(s.from, '${NODE_IMAGE}', `${s.name} builds on the pinned base image`);
  });

  it('installs with the lockfile (npm ci), and only production dependencies of the app for the runtime', () => {
    const runs = all.flatMap((s) => keyword(s, 'RUN').map((r) => ({ stage: s.name, cmd: text(r) })));
    assert.ok(!runs.some((r) => /\bnpm\s+(install|i|update)\b/.test(r.cmd)), 'never npm install');
    assert.ok(!runs.some((r) => /\byarn\b|\bpnpm\b/.test(r.cmd)));
    const build = runs.filter((r) => r.stage === 'build');
    assert.ok(
      build.some((r) => /\bnpm ci\b/.test(r.cmd) && !/--omit=dev/.test(r.cmd)),
      'build: full npm ci',
    );
    assert.ok(
      build.some((r) => /\bnpx tsc -b "apps\/\$\{APP\}"/.test(r.cmd)),
      'build: tsc -b of the app',
    );
    assert.ok(
      build.some((r) => /node docker\/layout\.mjs "\$\{APP\}" \/out/.test(r.cmd)),
      'build: the layout',
    );
    const deps = runs.filter((r) => r.stage === 'deps');
    assert.equal(deps.length, 1);
    for (const flag of [
      'npm ci',
      '--omit=dev',
      '--workspace "apps/${APP}"',
      '--include-workspace-root=false',
      '--ignore-scripts',
    ]) {
      assert.ok(deps[0].cmd.includes(flag), `deps stage: ${flag}`);
    }
    assert.equal(
      keyword(runtime, 'RUN').filter((r) => /\bnpm\b/.test(text(r))).length,
      0,
      'no npm in the runtime',
    );
    // The runtime stage takes files only from the deps stage, never from the build context.
    const copies = keyword(runtime, 'COPY');
    assert.ok(copies.length >= 1);
    for (const c of copies) assert.equal((c as Copy).getFromFlag()?.getValue(), 'deps', text(c));
    assert.equal(keyword(runtime, 'ADD').length, 0);
  });

  it('runs as a numeric non-root user with NODE_ENV=production', () => {
    const users = keyword(runtime, 'USER');
    assert.equal(users.length, 1);
    const [uid, gid] = text(users[0]).split(':');
    assert.match(uid, /^\d+$/);
    assert.notEqual(Number(uid), 0);
    assert.equal(uid, '10001', 'the uid the charts set in runAsUser');
    assert.match(gid ?? '', /^\d+$/);
    const last = runtime.instructions.filter((i) => ['USER', 'RUN', 'COPY', 'CMD'].includes(i.getKeyword()));
    assert.deepEqual(
      last.slice(-2).map((i) => i.getKeyword()),
      ['USER', 'CMD'],
      'nothing runs as root after USER',
    );
    const env = properties(keyword(runtime, 'ENV'));
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(env.PORT, '8080');
    assert.equal(text(keyword(runtime, 'EXPOSE')[0]), env.PORT);
  });

  it('checks /health/live with node (no curl) and starts node on the app main', () => {
    const [hc] = keyword(runtime, 'HEALTHCHECK');
    assert.ok(hc, 'HEALTHCHECK in the runtime stage');
    const cmd = execForm(hc);
    assert.ok(cmd, 'exec form');
    assert.equal(cmd[0], 'node');
    assert.match(cmd.join(' '), /\/health\/live/);
    assert.doesNotMatch(text(hc), /curl|wget/);
    const cmds = keyword(runtime, 'CMD');
    assert.equal(cmds.length, 1);
    assert.deepEqual(execForm(cmds[0]), ['node', 'dist/src/main.js']);
    const workdirs = keyword(runtime, 'WORKDIR').map(text);
    assert.equal(
      workdirs[workdirs.length - 1],
      '/app/apps/${APP}',
      'so CMD runs /app/apps/<app>/dist/src/main.js',
    );
    assert.match(
      source,
      /node \/app\/apps\/<app>\/dist\/src\/migrate\.js/,
      'the migrate entry is documented',
    );
    assert.equal(keyword(runtime, 'ENTRYPOINT').length, 0);
  });

  it('carries the OCI labels', () => {
    const labels = properties(keyword(runtime, 'LABEL'));
    for (const key of ['title', 'description', 'version', 'revision', 'created', 'licenses', 'source']) {
      assert.ok(`org.opencontainers.image.${key}` in labels, key);
    }
    assert.equal(labels['org.opencontainers.image.licenses'], 'EUPL-1.2');
  });

  it('bakes in no secret: no .env or key files, no remote ADD, no secret-named ARG or ENV', () => {
    for (const ins of df.getInstructions()) {
      const kw = ins.getKeyword();
      const args = text(ins);
      if (kw === 'ADD') assert.doesNotMatch(args, /https?:\/\/|git@/, 'no ADD of remote URLs');
      if (kw === 'COPY' || kw === 'ADD') {
        assert.doesNotMatch(args, /(^|\s|\/)\.env|\.npmrc|\.pem\b|\.key\b|id_rsa|secret/i, args);
      }
      if (kw === 'ARG' || kw === 'ENV') assert.doesNotMatch(args, /PASSWORD|SECRET|TOKEN|_KEY\b/i, args);
    }
  });
});

describe('.dockerignore', () => {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps installed and built output, local state, secrets, tests and docs out of the build context', () => {
    for (const path of [
      'node_modules',
      'apps/payment/node_modules/x',
      'apps/payment/dist/src/main.js',
      '.stack/postgres',
      '.git/HEAD',
      '.env',
      '.env.production',
      'apps/routing/.env',
      'test/backbone/services.int-spec.ts',
      'apps/intake/test/drafts.int-spec.ts',
      'apps/intake/src/config.spec.ts',
      'docs/deploy.md',
      'helm/payment/values.yaml',
      'tls/server.key',
    ]) {
      assert.ok(dockerignored(patterns, path), `${path} is ignored`);
    }
  });

  it('keeps what the build needs: manifests, the lockfile, sources, assets and the layout script', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'apps/payment/package.json',
      'apps/payment/src/main.ts',
      'libs/platform/src/index.ts',
      'libs/testing/package.json',
      'libs/fim/codelists/xoev-erreichbarkeit_2.xml',
      'apps/payment/src/providers/secrets.ts',
      'docker/layout.mjs',
    ]) {
      assert.equal(dockerignored(patterns, path), false, `${path} is in the build context`);
    }
  });
});

describe('docker/layout.mjs (the runtime layout of the image)', () => {
  const out = mkdtempSync(join(tmpdir(), 'amtsbote-layout-'));
  const layouts = new Map<string, string>();

  before(() => {
    for (const app of SERVICES) {
      const dir = join(out, app);
      const r = spawnSync(process.execPath, [join(root, 'docker', 'layout.mjs'), app, dir], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `layout of ${app}: ${r.stderr}`);
      layouts.set(app, dir);
    }
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? files(p) : [p];
    });

  it('holds the compiled app and the libs it imports, with their assets, and nothing for tests', () => {
    const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    for (const [app, dir] of layouts) {
      const all = files(dir).map((f) => relative(dir, f));
      assert.ok(all.includes(`apps/${app}/dist/src/main.js`), app);
      assert.ok(all.includes(`apps/${app}/dist/src/migrate.js`), app);
      assert.ok(all.includes('package-lock.json'));
      for (const ws of rootManifest.workspaces) {
        const manifest = JSON.parse(readFileSync(join(dir, ws, 'package.json'), 'utf8')) as Record<
          string,
          unknown
        >;
        assert.equal(manifest.devDependencies, undefined, `${app}: ${ws} without devDependencies`);
      }
      assert.deepEqual(
        all.filter((f) => /\.(int-|e2e-)?spec\.js$|\.d\.ts$|\.map$|\.tsbuildinfo$|\.ts$/.test(f)),
        [],
      );
      assert.ok(
        !all.some((f) => f.startsWith('libs/testing/') && f !== 'libs/testing/package.json'),
        'no test stack',
      );
      assert.ok(!all.some((f) => /\/(test|bench)\//.test(f)), `${app}: no test or bench folders`);
      for (const lib of ['platform', 'messaging', 'contracts']) {
        assert.ok(existsSync(join(dir, 'libs', lib, 'dist', 'src', 'index.js')), `${app}: ${lib}`);
      }
    }
    // The FIM code lists travel with libs/fim wherever it is used.
    for (const app of ['intake', 'routing']) {
      const codelists = join(layouts.get(app)!, 'libs', 'fim', 'codelists');
      assert.ok(
        readdirSync(codelists).some((f) => f.endsWith('.xml')),
        `${app}: libs/fim/codelists`,
      );
    }
    assert.equal(
      existsSync(join(layouts.get('payment')!, 'libs', 'fim', 'dist')),
      false,
      'payment does not use fim',
    );
  });

  it('refuses an unknown app', () => {
    const r = spawnSync(process.execPath, [join(root, 'docker', 'layout.mjs'), 'nope', join(out, 'nope')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown app "nope"/);
  });
});
