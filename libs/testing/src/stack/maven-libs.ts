import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureMaven, lastLines, run } from './prereq';
import type { Logger } from './util';

/** A set of jars a pom.xml names, resolved from Maven Central into a directory of the stack. */
export interface MavenLibs {
  pom: string;
  libs: string;
  /** Written after a successful copy; lists the jars, so a half-copied set is detected. */
  libsMarker: string;
  /** For messages: "the Kafka jars". */
  what?: string;
  /** Jar name prefixes that must be there after the copy. */
  required?: string[];
}

interface LibsMarker {
  pomSha256: string;
  jars: string[];
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** True if `libs` holds the complete jar set for the current pom.xml. */
export function mavenLibsComplete(p: MavenLibs): boolean {
  try {
    const marker = JSON.parse(readFileSync(p.libsMarker, 'utf8')) as LibsMarker;
    return (
      marker.pomSha256 === sha256(p.pom) &&
      marker.jars.length > 0 &&
      marker.jars.every((jar) => existsSync(path.join(p.libs, jar)))
    );
  } catch {
    return false;
  }
}

/** Resolves the jars with Maven into a scratch dir and swaps it in whole, so a failed copy leaves no half set. */
export async function ensureMavenLibs(p: MavenLibs, log: Logger): Promise<void> {
  if (mavenLibsComplete(p)) return;
  const what = p.what ?? `the jars of ${p.pom}`;
  if (!existsSync(p.pom)) throw new Error(`Missing ${p.pom}`);
  const mvn = await ensureMaven(log);
  const partial = `${p.libs}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`resolving ${what} with Maven (first use only; cached in ${p.libs}) …`);
  const res = await run(mvn, [
    '-B',
    '-q',
    '-f',
    p.pom,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${partial}`,
  ]);
  if (res.code !== 0) {
    throw new Error(`Maven could not resolve ${what} (exit ${String(res.code)}):\n${lastLines(res.output)}`);
  }
  const jars = readdirSync(partial)
    .filter((f) => f.endsWith('.jar'))
    .sort();
  for (const required of p.required ?? []) {
    if (!jars.some((j) => j.startsWith(required))) {
      throw new Error(`Maven finished but ${required}*.jar is missing in ${partial}`);
    }
  }
  const marker: LibsMarker = { pomSha256: sha256(p.pom), jars };
  writeFileSync(path.join(partial, path.basename(p.libsMarker)), `${JSON.stringify(marker, null, 2)}\n`);
  rmSync(p.libs, { recursive: true, force: true });
  renameSync(partial, p.libs);
}
