import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { CompactSign, createLocalJWKSet, type JWK } from 'jose';
import type { RoutingApiRoute } from './routing-api.answer';
import { checkDestinationSignature } from './routing-api.signature';

const LEIKA = '99010001001000';
const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = createLocalJWKSet({
  keys: [{ ...(signer.publicKey.export({ format: 'jwk' }) as JWK), kid: 'ssp-1', alg: 'PS512', use: 'sig' }],
});

const claims = (over: Record<string, unknown> = {}) => ({
  iss: 'https://portal.auth-testing.fit-connect.fitko.dev',
  iat: 1_700_000_000,
  destinationId: '7d1ac0f1-7b36-4a4f-9a5f-1f2a3b4c5d6e',
  submissionHost: 'submission-api-testing.fit-connect.fitko.dev',
  services: [
    {
      gebietIDs: ['urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:04011'],
      leistungIDs: [`urn:de:fim:leika:leistung:${LEIKA}`],
    },
  ],
  ...over,
});

const sign = (payload: unknown, key = signer.privateKey, alg = 'PS512') =>
  new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg, kid: 'ssp-1' }).sign(key);

const route = (destinationSignature: string | null): RoutingApiRoute => ({
  destinationId: '7d1ac0f1-7b36-4a4f-9a5f-1f2a3b4c5d6e',
  submissionUrl: 'https://submission-api-testing.fit-connect.fitko.dev',
  destinationName: null,
  destinationSignature,
});

describe('checkDestinationSignature', () => {
  it('accepts a PS512 signature of the JWKS naming this destination, host and Leistung', async () => {
    assert.deepEqual(await checkDestinationSignature(route(await sign(claims())), LEIKA, jwks), { ok: true });
  });

  it('refuses (not "unavailable") what does not hold', async () => {
    const cases: Array<[string, string | null]> = [
      ['missing', null],
      ['other key', await sign(claims(), stranger.privateKey)],
      ['RS256 instead of PS512', await sign(claims(), signer.privateKey, 'RS256')],
      ['other destination', await sign(claims({ destinationId: '0b4f1b56-2f0e-4a38-8d4e-8f0d5f6c7a8b' }))],
      ['other host', await sign(claims({ submissionHost: 'evil.example' }))],
      [
        'other Leistung',
        await sign(claims({ services: [{ leistungIDs: ['urn:de:fim:leika:leistung:99000000000000'] }] })),
      ],
      ['no services', await sign(claims({ services: undefined }))],
      ['not a JWS', 'abc'],
    ];
    for (const [what, signature] of cases) {
      const check = await checkDestinationSignature(route(signature), LEIKA, jwks);
      assert.equal(check.ok, false, what);
      assert.equal(!check.ok && check.unavailable, false, what);
    }
  });

  it('keys that cannot be fetched are "unavailable" (the lookup counts as an error, not as a forged route)', async () => {
    const away = () =>
      Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    const check = await checkDestinationSignature(route(await sign(claims())), LEIKA, away);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.unavailable, true);
  });
});
