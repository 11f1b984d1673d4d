import { CompactEncrypt, importJWK, type JWK } from 'jose';

/** FIT-Connect's choice: the content key wrapped with RSA-OAEP-256, the content encrypted with A256GCM. */
export const JWE_ALG = 'RSA-OAEP-256';
export const JWE_ENC = 'A256GCM';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Why a JWK cannot be an encryption key of a destination, or undefined when it can. */
export async function publicKeyProblem(jwk: Record<string, unknown>): Promise<string | undefined> {
  if (jwk.kty !== 'RSA') return 'kty must be RSA';
  if (PRIVATE_MEMBERS.some((m) => m in jwk))
    return 'the key contains private key members; send only the public key';
  if (jwk.alg !== undefined && jwk.alg !== JWE_ALG) return `alg must be ${JWE_ALG}`;
  if (jwk.use !== undefined && jwk.use !== 'enc') return 'use must be enc';
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return 'n and e are required';
  const bits = Buffer.from(jwk.n, 'base64url').length * 8;
  if (bits < 2048) return `the modulus has ${bits} bits; at least 2048 are required (FIT-Connect uses 4096)`;
  try {
    await importJWK({ ...(jwk as JWK), alg: JWE_ALG }, JWE_ALG);
  } catch (err) {
    return `not a usable RSA public key: ${(err as Error).message}`;
  }
  return undefined;
}

/** Encrypts to a destination's public key; `cty` names the media type of the plaintext. */
export async function encryptTo(jwk: JWK, plaintext: Uint8Array, mediaType: string): Promise<string> {
  const key = await importJWK({ ...jwk, alg: JWE_ALG }, JWE_ALG);
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: JWE_ALG, enc: JWE_ENC, cty: mediaType, ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .encrypt(key);
}
