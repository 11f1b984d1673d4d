import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { ReplyKeyRing } from './reply-keys';

const privateJwk = (bits: number, kid: string) => ({
  ...generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' }),
  kid,
  alg: 'RSA-OAEP-256',
});

describe('ReplyKeyRing: the FIT-Connect reply keys from a JWK Set', () => {
  const current = privateJwk(4096, 'reply-2026-12');
  const previous = privateJwk(4096, 'reply-2026-06');

  it('names the first key as current (public half only) and decrypts with every key by kid', async () => {
    const ring = new ReplyKeyRing({ keys: [current, previous] });
    assert.deepEqual(Object.keys(ring.current).sort(), ['alg', 'e', 'key_ops', 'kid', 'kty', 'n']);
    assert.equal(ring.current.kid, 'reply-2026-12');
    assert.equal(ring.current.n, current.n);
    for (const kid of ['reply-2026-12', 'reply-2026-06']) {
      const key = ring.privateKey(kid)!;
      const { n, e } = kid === current.kid ? current : previous;
      const jwe = await new CompactEncrypt(Buffer.from('Bescheid'))
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid })
        .encrypt(createPublicKey({ key: { kty: 'RSA', n: n!, e: e! }, format: 'jwk' }));
      assert.equal(Buffer.from((await compactDecrypt(jwe, key)).plaintext).toString(), 'Bescheid');
    }
    assert.equal(ring.privateKey('unknown-kid'), undefined);
    assert.equal(ring.privateKey(undefined), undefined);
  });

  it('refuses what is not a usable reply key, saying which', () => {
    const { kid: _kid, ...noKid } = current;
    const { d: _d, ...publicOnly } = current;
    const cases: Array<[unknown, RegExp]> = [
      [{}, /holds no "keys"/],
      [{ keys: [publicOnly] }, /reply key 0: not an RSA private key/],
      [{ keys: [noKid] }, /kid of 8 to 64/],
      [{ keys: [{ ...current, alg: 'RSA1_5' }] }, /alg must be RSA-OAEP-256/],
      [{ keys: [privateJwk(2048, 'short-key-1')] }, /4096-bit/],
      [{ keys: [current, current] }, /twice/],
    ];
    for (const [jwks, message] of cases) assert.throws(() => new ReplyKeyRing(jwks), message);
  });
});
