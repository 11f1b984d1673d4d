import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from './util';

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion without blocking the event loop; stdout+stderr are collected (last 256 KiB). */
export function run(
  command: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-256 * 1024);
    };
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: opts.uid,
      gid: opts.gid,
    });
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.once('error', (err) => resolve({ code: null, output: `${output}${err.message}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

export function lastLines(text: string, n = 20): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/** Major version from `java -version` output: `version "17.0.15"` → 17, `version "1.8.0_392"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (m === null) return undefined;
  const major = Number(m[1]);
  return major === 1 && m[2] !== undefined ? Number(m[2]) : major;
}

function canAptInstall(): boolean {
  return (
    process.getuid?.() === 0 && existsSync('/etc/debian_version') && commandWorks('apt-get', ['--version'])
  );
}

function commandWorks(command: string, args: string[]): boolean {
  const res = spawnSync(command, args, { stdio: 'ignore' });
  return res.error === undefined && res.status === 0;
}

let aptUpdated = false;

/** `apt-get install -y` of the first package list that installs; only on Debian-like systems as root. */
async function aptInstall(alternatives: string[][], log: Logger): Promise<void> {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update …');
    const upd = await run('apt-get', ['update'], { env });
    if (upd.code !== 0) throw new Error(`apt-get update failed:\n${lastLines(upd.output)}`);
    aptUpdated = true;
  }
  // Slim Debian images lack this directory, and the JRE's postinst fails without it.
  mkdirSync('/usr/share/man/man1', { recursive: true });
  let failure = '';
  for (const pkgs of alternatives) {
    log(`apt-get install -y ${pkgs.join(' ')} …`);
    const res = await run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env });
    if (res.code === 0) return;
    failure = lastLines(res.output);
  }
  throw new Error(`apt-get install failed:\n${failure}`);
}

function javaCandidate(): string {
  const home = process.env.JAVA_HOME;
  if (home) {
    const bin = path.join(home, 'bin', 'java');
    if (existsSync(bin)) return bin;
  }
  return 'java';
}

function javaMajor(java: string): number | undefined {
  const res = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (res.error !== undefined || res.status !== 0) return undefined;
  return parseJavaMajor(`${res.stderr}${res.stdout}`);
}

let javaChecked: string | undefined;

/** Returns the `java` (17+) to use; installs a headless JRE via apt-get when root on Debian and it's missing. */
export async function ensureJava(log: Logger): Promise<string> {
  if (javaChecked !== undefined) return javaChecked;
  let java = javaCandidate();
  let major = javaMajor(java);
  if ((major === undefined || major < 17) && canAptInstall()) {
    log(`Java 17+ not found (${major === undefined ? 'no java on PATH' : `java ${major}`}); installing it`);
    await aptInstall([['openjdk-17-jre-headless'], ['default-jre-headless']], log);
    java = 'java';
    major = javaMajor(java);
  }
  if (major === undefined) {
    throw new Error(
      'Kafka needs Java 17+, but `java` is not on PATH. Install it, e.g. on Debian/Ubuntu: ' +
        'apt-get install -y openjdk-17-jre-headless (or set JAVA_HOME).',
    );
  }
  if (major < 17) {
    throw new Error(`Kafka needs Java 17+, found Java ${major} (${java}). Install openjdk-17-jre-headless.`);
  }
  javaChecked = java;
  return java;
}

let mavenChecked = false;

/** Makes sure `mvn` is on PATH; installs Debian's `maven` when root on Debian and it's missing. */
export async function ensureMaven(log: Logger): Promise<string> {
  if (mavenChecked) return 'mvn';
  if (!commandWorks('mvn', ['-v']) && canAptInstall()) {
    log('Maven (mvn) not found; installing it');
    await aptInstall([['maven']], log);
  }
  if (!commandWorks('mvn', ['-v'])) {
    throw new Error(
      'Resolving the Kafka jars needs Maven, but `mvn` is not on PATH. Install it, e.g. on Debian/Ubuntu: ' +
        'apt-get install -y maven.',
    );
  }
  mavenChecked = true;
  return 'mvn';
}

let goChecked = false;

/**
 * Makes sure `go` is on PATH (for building SeaweedFS); installs Debian's `golang-go` when root on Debian and
 * it's missing. An older Go fetches the toolchain the module asks for through the module proxy by itself.
 */
export async function ensureGo(log: Logger): Promise<string> {
  if (goChecked) return 'go';
  if (!commandWorks('go', ['version']) && canAptInstall()) {
    log('Go (go) not found; installing it');
    await aptInstall([['golang-go']], log);
  }
  if (!commandWorks('go', ['version'])) {
    throw new Error(
      'Building the S3-compatible server (SeaweedFS) needs Go, but `go` is not on PATH. Install it, e.g. on ' +
        'Debian/Ubuntu: apt-get install -y golang-go.',
    );
  }
  goChecked = true;
  return 'go';
}

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

let chromiumChecked = false;

/**
 * Returns the path of Debian's Chromium for browser tests; installs the `chromium` package via apt-get when
 * root on Debian and it is missing (no browser is downloaded any other way).
 */
export async function ensureChromium(log: Logger): Promise<string> {
  if (chromiumChecked) return CHROMIUM_PATH;
  const works = (): boolean => commandWorks(CHROMIUM_PATH, ['--version']);
  if (!works() && canAptInstall()) {
    log("Chromium not found; installing Debian's chromium package");
    await aptInstall([['chromium']], log);
  }
  if (!works()) {
    throw new Error(
      `Browser tests need Chromium at ${CHROMIUM_PATH}. Install it, e.g. on Debian: apt-get install -y chromium.`,
    );
  }
  chromiumChecked = true;
  return CHROMIUM_PATH;
}
