import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root: the first directory upwards that holds package-lock.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package-lock.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package-lock.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** Shared fixtures live next to the repository, never inside it. */
export function fixturePath(...parts: string[]): string {
  return path.resolve(repoRoot(), '..', 'shared', 'fixtures', ...parts);
}

export function readFixture(...parts: string[]): Buffer {
  return fs.readFileSync(fixturePath(...parts));
}

export const BLAUE_KARTE = ['fim-xdf2', 'BlaueKarte.xml'] as const;

/** Compiled CLI entry point. */
export function cliPath(): string {
  return path.join(repoRoot(), 'libs', 'fim', 'dist', 'src', 'cli', 'main.js');
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
