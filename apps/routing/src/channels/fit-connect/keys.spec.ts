import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { TestCa } from '@amtsbote/testing';
import { checkEncryptionKey, KeyRejected, type PublishedJwk } from './keys';

describe('fit-connect destination keys: x5c chain to a trust anchor, published key shape', () => {
  const root = TestCa.create('Test Root');
  const issuing = TestCa.create('Test Issuing', root);
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  const published = (o: { ca?: TestCa; notAfter?: Date; other?: boolean } = {}): PublishedJwk => {
    const ca = o.ca ?? issuing;
    const certified = o.other ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey : publicKey;
    return {
      ...publicKey.export({ format: 'jwk' }),
      kid: 'enc-1',
      alg: 'RSA-OAEP-256',
      key_ops: ['wrapKey'],
      x5c: [
        ca.issue({ subject: 'dest', publicKey: certified, use: 'enc', notAfter: o.notAfter }),
        ca.certificate.raw.toString('base64'),
      ],
    };
  };
  const refusal = (jwk: PublishedJwk, anchors = [root.certificate]) => {
    try {
      checkEncryptionKey(jwk, 'enc-1', anchors);
      return 'accepted';
    } catch (err) {
      assert.ok(err instanceof KeyRejected, String(err));
      return err.message;
    }
  };

  it('accepts the published shape (key_ops wrapKey) and returns a key jose can encrypt with', () => {
    const key = checkEncryptionKey(published(), 'enc-1', [root.certificate]);
    assert.equal(key.key_ops, undefined);
    assert.equal(key.alg, 'RSA-OAEP-256');
  });

  it('refuses chains to another root, expired certificates, a leaf for another key, and no anchors', () => {
    assert.match(refusal(published({ ca: TestCa.create('Foreign Root') })), /trust anchor/);
    assert.match(refusal(published({ notAfter: new Date(Date.now() - 60_000) })), /not valid now/);
    assert.match(refusal(published({ other: true })), /another key/);
    assert.match(refusal(published(), []), /no trust anchor/);
    assert.match(refusal({ ...published(), x5c: undefined }), /no x5c/);
  });

  it('refuses keys without wrapKey, with another alg, with private members, or too short', () => {
    assert.match(refusal({ ...published(), key_ops: ['encrypt'] }), /wrapKey/);
    assert.match(refusal({ ...published(), alg: 'RSA-OAEP' }), /alg/);
    assert.match(refusal({ ...published(), d: 'AAAA' }), /private/);
    const short = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    assert.match(refusal({ ...published(), ...short.export({ format: 'jwk' }) }), /2048 bits/);
  });
});
