import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pmPaymentHash, pmPaymentHashMatches, pmPaymentSigningInput } from './pmpayment-signature';

// Vectors derived outside this code from the documented rule (values of the sent fields in the order
// ags|amount|procedure|desc|accountingRecord|txid|notifyURL|redirectURL, HMAC-SHA256 with the salt, hex):
//   printf '%s' '<input>' | openssl dgst -sha256 -hmac '<salt>'
const tx = '3f0c1e7a-9b2d-4c1e-8f3a-1d2b3c4d5e6f';
const base = {
  ags: '04011000',
  amount: '2850',
  procedure: 'bewohnerparken',
  desc: 'Bewohnerparkausweis 2025',
  txid: tx,
  notifyURL: `https://amtsbote.example/payments/${tx}/notifications?token=abc`,
  redirectURL: `https://amtsbote.example/payments/${tx}/return?token=abc`,
};

describe('pmPayment classic request signature', () => {
  it('signs the sent fields in the documented order (known vector)', () => {
    assert.equal(
      pmPaymentSigningInput(base),
      `04011000|2850|bewohnerparken|Bewohnerparkausweis 2025|${tx}|${base.notifyURL}|${base.redirectURL}`,
    );
    assert.equal(
      pmPaymentHash(base, 'geheimesSalz123'),
      '80ccc2232a4fbf52d404a2b58a42304aec10b3cc3172b614132768d165f271e4',
    );
  });

  it('puts the optional accountingRecord between desc and txid (known vector)', () => {
    const fields = {
      ...base,
      accountingRecord: 'HH 1.1100.1000',
      notifyURL: 'https://amtsbote.example/n',
      redirectURL: 'https://amtsbote.example/r',
    };
    assert.equal(
      pmPaymentHash(fields, 'geheimesSalz123'),
      '9335b62bc9ba0dcc431a1cf8dbac11431ff1e6d95dcf40672911d539e709e469',
    );
  });

  it('is plain HMAC-SHA256 (RFC 4231 test case 2)', () => {
    // A single field is signed as itself: the input is exactly the RFC's message.
    const fields = { ags: 'what do ya want for nothing?' } as unknown as Parameters<typeof pmPaymentHash>[0];
    assert.equal(
      pmPaymentHash(fields, 'Jefe'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('a changed amount, another salt or a truncated hash do not match', () => {
    const hash = pmPaymentHash(base, 'geheimesSalz123');
    assert.equal(pmPaymentHashMatches(base, 'geheimesSalz123', hash), true);
    assert.equal(pmPaymentHashMatches(base, 'geheimesSalz123', hash.toUpperCase()), true);
    assert.equal(pmPaymentHashMatches({ ...base, amount: '285' }, 'geheimesSalz123', hash), false);
    assert.equal(pmPaymentHashMatches(base, 'anderesSalz', hash), false);
    assert.equal(pmPaymentHashMatches(base, 'geheimesSalz123', hash.slice(0, 63)), false);
  });
});
