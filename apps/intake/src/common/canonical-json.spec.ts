import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, sha512Hex } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }),
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text for the same data in any key order', () => {
    const one = canonicalJson({ F1: 'Anna', G1: { F2: 1.5, F3: 'ä' } });
    const two = canonicalJson({ G1: { F3: 'ä', F2: 1.5 }, F1: 'Anna' });
    assert.equal(one, two);
    assert.equal(sha512Hex(one), sha512Hex(two));
    assert.match(sha512Hex(one), /^[0-9a-f]{128}$/);
  });

  it('writes numbers and strings as RFC 8785 does', () => {
    assert.equal(canonicalJson([1e21, 0.1, -0, 'a"\u0001']), '[1e+21,0.1,0,"a\\"\\u0001"]');
  });

  it('leaves out undefined members like JSON.stringify', () => {
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  });
});
