import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UrlSigner } from './signed-url';

const fileId = '5d1c7a0e-4f43-4a8e-9d0a-1b2c3d4e5f60';

function parts(url: string) {
  const u = new URL(url);
  return {
    expires: u.searchParams.get('expires') ?? undefined,
    signature: u.searchParams.get('signature') ?? undefined,
  };
}

void describe('UrlSigner', () => {
  const signer = new UrlSigner('a-secret-of-at-least-thirty-two-characters');
  const now = new Date('2026-01-01T12:00:00Z');
  const url = signer.sign('http://accounts:3002/', fileId, new Date(now.getTime() + 60_000));

  void it('builds a link under the base URL', () => {
    assert.match(url, /^http:\/\/accounts:3002\/files\/5d1c7a0e-[^?]+\?expires=\d+&signature=[0-9a-f]{64}$/);
  });

  void it('accepts its own unexpired link', () => {
    const p = parts(url);
    assert.equal(signer.verify(fileId, p.expires, p.signature, now), true);
  });

  void it('refuses an expired link, another file, a changed expiry and another key', () => {
    const p = parts(url);
    assert.equal(signer.verify(fileId, p.expires, p.signature, new Date(now.getTime() + 61_000)), false);
    assert.equal(signer.verify('6d1c7a0e-4f43-4a8e-9d0a-1b2c3d4e5f60', p.expires, p.signature, now), false);
    assert.equal(signer.verify(fileId, String(Number(p.expires) + 3600), p.signature, now), false);
    const other = new UrlSigner('another-secret-of-at-least-thirty-two-chars');
    assert.equal(other.verify(fileId, p.expires, p.signature, now), false);
    assert.equal(signer.verify(fileId, p.expires, 'zz', now), false);
    assert.equal(signer.verify(fileId, undefined, p.signature, now), false);
  });
});
