import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseCsv, toCsv } from './csv';
import { SecretBox } from './secret-box';
import { newSecret, signatureHeaders, signBody, SIGNATURE_HEADERS, verifySignature } from './signature';

describe('push signatures (HMAC-SHA512 over timestamp.body)', () => {
  const secret = newSecret();
  const body = Buffer.from('{"messageId":"x"}');
  const now = Date.UTC(2026, 10, 20, 12, 0, 0);

  it('verifies what it signed, within five minutes either way', () => {
    const h = signatureHeaders(secret, body, now);
    assert.match(h[SIGNATURE_HEADERS.signature], /^sha512=[0-9a-f]{128}$/);
    const check = (at: number) =>
      verifySignature(secret, body, h[SIGNATURE_HEADERS.timestamp], h[SIGNATURE_HEADERS.signature], at);
    assert.equal(check(now), 'ok');
    assert.equal(check(now + 299_000), 'ok');
    assert.equal(check(now + 301_000), 'stale');
    assert.equal(check(now - 301_000), 'stale');
  });

  it('refuses another body, another secret, another timestamp and missing headers', () => {
    const h = signatureHeaders(secret, body, now);
    const ts = h[SIGNATURE_HEADERS.timestamp];
    const sig = h[SIGNATURE_HEADERS.signature];
    assert.equal(verifySignature(secret, Buffer.from('{"messageId":"y"}'), ts, sig, now), 'mismatch');
    assert.equal(verifySignature(newSecret(), body, ts, sig, now), 'mismatch');
    assert.equal(verifySignature(secret, body, String(Number(ts) - 1), sig, now), 'mismatch');
    assert.equal(verifySignature(secret, body, undefined, sig, now), 'missing');
    assert.equal(verifySignature(secret, body, 'soon', sig, now), 'missing');
    assert.equal(verifySignature(secret, body, ts, 'sha512=00', now), 'mismatch');
  });

  it('signs exactly `<timestamp>.<body>`', () => {
    const expected = createHmac('sha512', 'k').update('1700000000.b').digest('hex');
    assert.equal(signBody('k', 1700000000, 'b'), expected);
    assert.equal(signBody('k', 1700000000, Buffer.from('b')), expected);
    assert.notEqual(signBody('k', 1700000001, 'b'), expected);
  });
});

describe('SecretBox', () => {
  it('round-trips and detects tampering or another key', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('geheim');
    assert.notEqual(sealed, box.seal('geheim'), 'random IV');
    assert.equal(box.open(sealed), 'geheim');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x').toString('base64url');
    assert.throws(() => box.open(parts.join('.')));
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed));
    assert.throws(() => new SecretBox(randomBytes(16)), /32-byte/);
  });
});

describe('CSV', () => {
  it('reads comma and semicolon files with quotes, CRLF and a BOM', () => {
    assert.deepEqual(parseCsv('\uFEFFa;b;c\r\n1;"x;y";\r\n2;"say ""hi""";z\r\n\r\n'), [
      ['a', 'b', 'c'],
      ['1', 'x;y', ''],
      ['2', 'say "hi"', 'z'],
    ]);
    assert.deepEqual(parseCsv('a,b\n1,2'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.throws(() => parseCsv('a,b\n"1,2'), /unterminated/);
  });

  it('writes what it reads', () => {
    const rows = [
      ['99010001001000', '', 'hb-x'],
      ['1', 'with,comma', 'quote"d'],
    ];
    assert.deepEqual(parseCsv(toCsv(['leikaKey', 'ars', 'destinationId'], rows)).slice(1), rows);
  });
});
