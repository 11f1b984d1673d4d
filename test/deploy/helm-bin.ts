// A real helm for the chart tests, built from source with the Go toolchain (the Go module proxy is the only
// place it can come from here) into <repo>/.stack/bin/helm, once per machine: a marker file records the
// version, a lock keeps two test processes from building it at the same time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, withLock } from '@amtsbote/testing';

/** Pinned helm release (Helm 3: the charts use apiVersion v2 and JSON Schema draft-07 values schemas). */
export const HELM_VERSION = 'v3.21.4';
export const HELM_MODULE = 'helm.sh/helm/v3/cmd/helm';

export function helmPaths(root = repoRoot()): { bin: string; marker: string; dir: string } {
  const dir = join(root, '.stack', 'bin');
  return { dir, bin: join(dir, 'helm'), marker: join(dir, 'helm.version') };
}

function installed(bin: string, marker: string): boolean {
  return existsSync(bin) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === HELM_VERSION;
}

function goInstall(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.status !== 0) {
      reject(new Error(`helm ${HELM_VERSION} is built with "go install", but no Go toolchain is on PATH`));
      return;
    }
    const child = spawn('go', ['install', `${HELM_MODULE}@${HELM_VERSION}`], {
      env: { ...process.env, GOBIN: dir, GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`go install ${HELM_MODULE}@${HELM_VERSION} failed:\n${stderr}`)),
    );
  });
}

/** Path of the pinned helm binary, building it first if this machine has none (takes a few minutes). */
export async function ensureHelm(): Promise<string> {
  const { dir, bin, marker } = helmPaths();
  if (installed(bin, marker)) return bin;
  mkdirSync(dir, { recursive: true });
  await withLock(
    'helm-install',
    async () => {
      if (installed(bin, marker)) return;
      const started = Date.now();
      process.stderr.write(`building helm ${HELM_VERSION} with go install (first run only)…\n`);
      await goInstall(dir);
      writeFileSync(marker, `${HELM_VERSION}\n`);
      process.stderr.write(`helm ${HELM_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s\n`);
    },
    { timeoutMs: 20 * 60_000 },
  );
  return bin;
}
