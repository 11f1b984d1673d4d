import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { centsToEuros, eurosToCents, formatEuros } from './money';

describe('money in cents', () => {
  it('converts to euros and back exactly', () => {
    assert.equal(centsToEuros(2850), 28.5);
    assert.equal(centsToEuros(1), 0.01);
    assert.equal(eurosToCents(28.5), 2850);
    assert.equal(eurosToCents('0.07'), 7);
    assert.equal(eurosToCents(0.1 + 0.2), undefined, 'a float artefact is no amount');
    assert.equal(eurosToCents('12.345'), undefined);
    assert.throws(() => centsToEuros(12.5));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (c) => eurosToCents(centsToEuros(c)) === c),
    );
  });

  it('formats for people', () => {
    assert.equal(formatEuros(2850), '28,50 EUR');
    assert.equal(formatEuros(5), '0,05 EUR');
  });
});
