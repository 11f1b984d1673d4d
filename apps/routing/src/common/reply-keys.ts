import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The public half routing names in `replyChannel.fitConnect.encryptionPublicKey` (metadata 2.1.0 shape). */
export interface ReplyPublicKey {
  kty: 'RSA';
  kid: string;
  alg: 'RSA-OAEP-256';
  key_ops: ['wrapKey'];
  n: string;
  e: string;
}

/**
 * The key pairs of the installation's FIT-Connect reply destination, from a JWK Set file of private keys
 * (a mounted Secret). The first key is the current one, named in every new submission's reply channel;
 * every key in the file still decrypts replies addressed to it by `kid`, so a rotation adds the new key
 * first and keeps the old one until no open case can be answered to it.
 */
export class ReplyKeyRing {
  private readonly keys = new Map<string, KeyObject>();
  readonly current: ReplyPublicKey;

  constructor(jwks: unknown) {
    const list = (jwks as { keys?: unknown })?.keys;
    if (!Array.isArray(list) || list.length === 0) throw new Error('the reply key file holds no "keys"');
    let first: ReplyPublicKey | undefined;
    for (const [i, raw] of list.entries()) {
      const jwk = raw as Record<string, unknown>;
      const where = `reply key ${i}`;
      if (jwk.kty !== 'RSA' || typeof jwk.d !== 'string') throw new Error(`${where}: not an RSA private key`);
      if (typeof jwk.kid !== 'string' || jwk.kid.length < 8 || jwk.kid.length > 64)
        throw new Error(`${where}: kid of 8 to 64 characters required`);
      if (jwk.alg !== undefined && jwk.alg !== 'RSA-OAEP-256')
        throw new Error(`${where}: alg must be RSA-OAEP-256`);
      const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
      const pub = createPublicKey(key).export({ format: 'jwk' });
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 4096 || pub.e !== 'AQAB')
        throw new Error(`${where}: FIT-Connect needs a 4096-bit RSA key with exponent AQAB`);
      if (this.keys.has(jwk.kid)) throw new Error(`${where}: kid ${jwk.kid} twice`);
      this.keys.set(jwk.kid, key);
      first ??= { kty: 'RSA', kid: jwk.kid, alg: 'RSA-OAEP-256', key_ops: ['wrapKey'], n: pub.n!, e: pub.e };
    }
    this.current = first!;
  }

  static fromFile(file: string): ReplyKeyRing {
    return new ReplyKeyRing(JSON.parse(readFileSync(file, 'utf8')));
  }

  /** The private key a reply was encrypted to, or undefined for a kid routing does not hold. */
  privateKey(kid: string | undefined): KeyObject | undefined {
    return kid === undefined ? undefined : this.keys.get(kid);
  }
}
