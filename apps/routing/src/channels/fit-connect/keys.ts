import { createPublicKey, X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';

/** A JWK as a Zustelldienst publishes it (`GET /v2/destinations/{id}/keys/{kid}`). */
export interface PublishedJwk extends JWK {
  x5c?: string[];
}

export class KeyRejected extends Error {
  override name = 'KeyRejected';
}

const MIN_BITS = 4096;

/** Reads a PEM bundle into certificates (the configured trust anchors). */
export function parsePemBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function validAt(c: X509Certificate, now: Date): boolean {
  return new Date(c.validFrom) <= now && now <= new Date(c.validTo);
}

/**
 * Checks an `x5c` chain (leaf first, base64 DER, RFC 7517 §4.7): every certificate valid now, each issued
 * and signed by the next, every issuer a CA, and the last one issued by (or being) a trust anchor. Returns
 * the leaf; throws {@link KeyRejected} saying what is wrong.
 */
export function verifyChain(x5c: unknown, anchors: X509Certificate[], now = new Date()): X509Certificate {
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((c) => typeof c === 'string'))
    throw new KeyRejected('the key has no x5c certificate chain');
  if (anchors.length === 0)
    throw new KeyRejected('no trust anchor is configured (ROUTING_FITCONNECT_TRUST_ANCHORS_FILE)');
  let chain: X509Certificate[];
  try {
    chain = x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
  } catch (err) {
    throw new KeyRejected(`x5c holds an unreadable certificate: ${(err as Error).message}`);
  }
  chain.forEach((c, i) => {
    if (!validAt(c, now))
      throw new KeyRejected(`certificate ${i} of x5c is not valid now (${c.validFrom} – ${c.validTo})`);
  });
  for (let i = 0; i + 1 < chain.length; i++) {
    const [child, parent] = [chain[i], chain[i + 1]];
    if (!parent.ca) throw new KeyRejected(`certificate ${i + 1} of x5c is not a CA`);
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey))
      throw new KeyRejected(`certificate ${i} of x5c is not signed by certificate ${i + 1}`);
  }
  const top = chain[chain.length - 1];
  const anchored = anchors.some(
    (a) =>
      validAt(a, now) &&
      (top.fingerprint256 === a.fingerprint256 || (a.ca && top.checkIssued(a) && top.verify(a.publicKey))),
  );
  if (!anchored) throw new KeyRejected('the x5c chain does not end at a configured trust anchor');
  return chain[0];
}

function sameRsaKey(jwk: JWK, cert: X509Certificate): boolean {
  const fromCert = cert.publicKey.export({ format: 'jwk' });
  return fromCert.n === jwk.n && fromCert.e === jwk.e;
}

/**
 * The destination's encryption key, checked: RSA, `alg` RSA-OAEP-256, `key_ops` containing `wrapKey`,
 * at least 4096 bits, no private members, its certificate chain valid to a trust anchor and the leaf
 * certificate holding this very key. Returns the JWK reduced to what `jose` imports: the published shape
 * carries `key_ops` values (`wrapKey`, sometimes `encrypt`) that WebCrypto refuses for encryption.
 */
export function checkEncryptionKey(jwk: PublishedJwk, kid: string, anchors: X509Certificate[]): JWK {
  if (jwk.kty !== 'RSA') throw new KeyRejected('the encryption key is not an RSA key');
  if (jwk.kid !== kid) throw new KeyRejected(`the key answered has kid ${jwk.kid}, not ${kid}`);
  if (jwk.alg !== 'RSA-OAEP-256') throw new KeyRejected(`the key's alg is ${jwk.alg}, not RSA-OAEP-256`);
  if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('wrapKey'))
    throw new KeyRejected('the key does not allow wrapKey (key_ops)');
  if (['d', 'p', 'q', 'dp', 'dq', 'qi'].some((m) => m in jwk))
    throw new KeyRejected('the published key contains private key members');
  return checkedPublicKey(jwk, anchors, 'enc');
}

/** A destination's signature key (verifies its accept/reject SETs): PS512, `verify`, chain to an anchor. */
export function checkSignatureKey(jwk: PublishedJwk, kid: string, anchors: X509Certificate[]): JWK {
  if (jwk.kty !== 'RSA' || jwk.kid !== kid) throw new KeyRejected('not the RSA key asked for');
  if (jwk.alg !== 'PS512') throw new KeyRejected(`the key's alg is ${jwk.alg}, not PS512`);
  if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify'))
    throw new KeyRejected('the key does not allow verify (key_ops)');
  return checkedPublicKey(jwk, anchors, 'sig');
}

function checkedPublicKey(jwk: PublishedJwk, anchors: X509Certificate[], use: 'enc' | 'sig'): JWK {
  const bits = Buffer.from(jwk.n ?? '', 'base64url').length * 8;
  if (bits < MIN_BITS) throw new KeyRejected(`the key has ${bits} bits; FIT-Connect requires ${MIN_BITS}`);
  const leaf = verifyChain(jwk.x5c, anchors);
  if (!sameRsaKey(jwk, leaf)) throw new KeyRejected('the leaf certificate of x5c holds another key');
  // Only what the key is; its use is ours to decide (alg pinned by the caller).
  createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, format: 'jwk' });
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid: jwk.kid, alg: jwk.alg, use };
}
