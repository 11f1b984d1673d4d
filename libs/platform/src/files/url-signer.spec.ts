import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UrlSigner } from './url-signer';

const secret = 's'.repeat(40);
const id = '6f1c2f0e-9a4b-4c1e-8d7a-2b3c4d5e6f70';

function params(url: string): { expires: string; signature: string; path: string } {
  const u = new URL(url);
  return {
    expires: u.searchParams.get('expires')!,
    signature: u.searchParams.get('signature')!,
    path: u.pathname,
  };
}

describe('UrlSigner', () => {
  const signer = new UrlSigner(secret);
  const now = new Date('2026-03-01T10:00:00Z');

  it('signs a URL under the base that verifies until it expires', () => {
    const { url, expiresAt } = signer.sign('https://intake.example/', id, 600, now);
    const p = params(url);
    assert.equal(p.path, `/files/${id}`);
    assert.equal(expiresAt.toISOString(), '2026-03-01T10:10:00.000Z');
    assert.equal(signer.verify(id, p.expires, p.signature, now), 'valid');
    assert.equal(signer.verify(id, p.expires, p.signature, new Date('2026-03-01T10:10:00Z')), 'expired');
  });

  it('refuses another file id, a changed expiry, a forged signature or another secret', () => {
    const p = params(signer.sign('https://intake.example', id, 600, now).url);
    assert.equal(
      signer.verify('00000000-0000-4000-8000-000000000000', p.expires, p.signature, now),
      'invalid',
    );
    assert.equal(signer.verify(id, String(Number(p.expires) + 3600), p.signature, now), 'invalid');
    assert.equal(signer.verify(id, p.expires, 'A'.repeat(43), now), 'invalid');
    assert.equal(signer.verify(id, p.expires, undefined, now), 'invalid');
    assert.equal(new UrlSigner('t'.repeat(40)).verify(id, p.expires, p.signature, now), 'invalid');
  });

  it('refuses a short secret', () => {
    assert.throws(() => new UrlSigner('short'), /at least 32/);
  });
});
