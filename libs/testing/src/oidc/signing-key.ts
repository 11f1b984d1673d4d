import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A private RS256 signing key as JWK, with `kid`, `alg` and `use` set. */
export type SigningJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

export async function generateSigningJwk(): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

function parseSigningJwk(text: string, file: string): SigningJwk {
  const jwk = JSON.parse(text) as JWK;
  if (jwk.kty !== 'RSA' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`${file} does not hold a private RSA JWK with a kid`);
  }
  return { ...jwk, kid: jwk.kid, alg: 'RS256', use: 'sig' };
}

/**
 * Loads the signing key from `file`, or creates and persists one there, so that a restarted provider keeps
 * its JWKS and tokens minted before the restart stay valid. Without a file the key lives in memory only.
 */
export async function loadOrCreateSigningJwk(file?: string): Promise<SigningJwk> {
  if (file === undefined) return generateSigningJwk();
  try {
    return parseSigningJwk(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = await generateSigningJwk();
  await mkdir(dirname(file), { recursive: true });
  try {
    // `wx`: if a concurrent start wrote the file first, use its key instead of overwriting it.
    await writeFile(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseSigningJwk(await readFile(file, 'utf8'), file);
  }
}
