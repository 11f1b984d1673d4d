import { existsSync } from 'node:fs';
import * as path from 'node:path';

let cachedRoot: string | undefined;

/** Walks up from `start` to the monorepo root: the directory holding `package-lock.json` and `libs/`. */
export function findRepoRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package-lock.json')) && existsSync(path.join(dir, 'libs'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The monorepo root, found from this file's location (works from `src/` under ts-node and from `dist/`). */
export function repoRoot(): string {
  if (cachedRoot === undefined) {
    const found = findRepoRoot(__dirname);
    if (found === undefined) {
      throw new Error(
        `Cannot find the Amtsbote repository root (package-lock.json + libs/) above ${__dirname}`,
      );
    }
    cachedRoot = found;
  }
  return cachedRoot;
}

export interface StackPaths {
  root: string;
  /** `.stack/`, git-ignored; everything the local stack writes lives here. */
  stackDir: string;
  pidsDir: string;
  locksDir: string;
  kafka: {
    dir: string;
    pom: string;
    libs: string;
    /** Written after a successful Maven copy; lists the jars, so a half-copied set is detected. */
    libsMarker: string;
    data: string;
    config: string;
    log4j: string;
    log: string;
  };
  postgres: { dir: string; data: string; log: string };
  oidc: { dir: string; main: string; keyFile: string; log: string };
  seaweedfs: {
    dir: string;
    /** The built `weed` binary and its marker (which version it is), kept across starts. */
    bin: string;
    binary: string;
    marker: string;
    data: string;
    /** `-s3.config`: the identities (access keys) the S3 API accepts. */
    identities: string;
    log: string;
  };
}

/**
 * Where the local stack keeps its state: `<root>/.stack`, or AMTSBOTE_STACK_DIR (together with the
 * AMTSBOTE_*_PORT variables this runs a second, isolated stack, e.g. for a parallel CI job).
 */
export function stackPaths(root: string = repoRoot()): StackPaths {
  const override = process.env.AMTSBOTE_STACK_DIR;
  const stackDir = override ? path.resolve(root, override) : path.join(root, '.stack');
  const kafkaDir = path.join(stackDir, 'kafka');
  const pgDir = path.join(stackDir, 'postgres');
  const oidcDir = path.join(stackDir, 'oidc');
  const weedDir = path.join(stackDir, 'seaweedfs');
  return {
    root,
    stackDir,
    pidsDir: path.join(stackDir, 'pids'),
    locksDir: path.join(stackDir, 'locks'),
    kafka: {
      dir: kafkaDir,
      pom: path.join(root, 'libs', 'testing', 'kafka', 'pom.xml'),
      libs: path.join(kafkaDir, 'libs'),
      libsMarker: path.join(kafkaDir, 'libs', '.complete.json'),
      data: path.join(kafkaDir, 'data'),
      config: path.join(kafkaDir, 'server.properties'),
      log4j: path.join(kafkaDir, 'log4j.properties'),
      log: path.join(kafkaDir, 'kafka.log'),
    },
    postgres: { dir: pgDir, data: path.join(pgDir, 'data'), log: path.join(pgDir, 'postgres.log') },
    oidc: {
      dir: oidcDir,
      main: path.join(root, 'libs', 'testing', 'dist', 'src', 'oidc', 'main.js'),
      keyFile: path.join(oidcDir, 'signing-key.json'),
      log: path.join(oidcDir, 'oidc.log'),
    },
    seaweedfs: {
      dir: weedDir,
      bin: path.join(weedDir, 'bin'),
      binary: path.join(weedDir, 'bin', 'weed'),
      marker: path.join(weedDir, 'bin', '.complete.json'),
      data: path.join(weedDir, 'data'),
      identities: path.join(weedDir, 's3-identities.json'),
      log: path.join(weedDir, 'seaweedfs.log'),
    },
  };
}
