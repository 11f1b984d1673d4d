import { spawn } from 'node:child_process';
import path from 'node:path';
import type { JWK } from 'jose';
import { ensureMavenLibs } from './maven-libs';
import { stackPaths } from './paths';
import { ensureJava } from './prereq';
import { stderrLogger } from './util';

export interface NimbusDecrypted {
  alg: string;
  enc: string;
  cty: string;
  plaintext: Buffer;
}

export interface NimbusVerified {
  alg: string;
  typ: string;
  valid: boolean;
}

/**
 * nimbus-jose-jwt (the Java JOSE library FITKO's SDKs build on), resolved from Maven Central like the
 * Kafka jars and run with the machine's `java`: decrypts JWEs and verifies JWSs independently of `jose`.
 */
export async function nimbusCrossCheck(tasks: {
  decrypt?: Array<{ key: JWK; jwe: string }>;
  verify?: Array<{ jwks: { keys: JWK[] }; jws: string }>;
}): Promise<{ decrypted: NimbusDecrypted[]; verified: NimbusVerified[] }> {
  const p = stackPaths();
  const dir = path.join(p.root, 'libs', 'testing', 'jose-java');
  const libs = path.join(p.stackDir, 'jose-java', 'libs');
  await ensureMavenLibs(
    {
      pom: path.join(dir, 'pom.xml'),
      libs,
      libsMarker: path.join(libs, '.complete.json'),
      what: 'nimbus-jose-jwt',
      required: ['nimbus-jose-jwt-'],
    },
    stderrLogger,
  );
  const java = await ensureJava(stderrLogger);
  const source = path.join(dir, 'JoseCrossCheck.java');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(java, ['-cp', `${libs}${path.sep}*`, source], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`nimbus cross-check exited ${code}: ${err}`)),
    );
    child.stdin.end(JSON.stringify(tasks));
  });
  const decrypted: NimbusDecrypted[] = [];
  const verified: NimbusVerified[] = [];
  for (const line of output.trim().split('\n')) {
    const [kind, , a, b, c, d] = line.split(' ');
    if (kind === 'decrypt')
      decrypted.push({ alg: a, enc: b, cty: c, plaintext: Buffer.from(d ?? '', 'base64') });
    if (kind === 'verify') verified.push({ alg: a, typ: b, valid: c === 'true' });
  }
  return { decrypted, verified };
}
