import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows the burst, then the rate, and says how long to wait', () => {
    const buckets = new TokenBuckets(60, 3);
    const t = 1_000_000;
    assert.deepEqual(
      [0, 0, 0].map(() => buckets.take('a', t)),
      [0, 0, 0],
    );
    assert.equal(buckets.take('a', t), 1);
    assert.equal(buckets.take('b', t), 0, 'another key has its own bucket');
    assert.equal(buckets.take('a', t + 1000), 0, 'one request per second comes back');
    assert.equal(buckets.take('a', t + 1000), 1);
  });

  it('is off at 0 per minute', () => {
    const buckets = new TokenBuckets(0, 1);
    for (let i = 0; i < 10; i++) assert.equal(buckets.take('a'), 0);
    assert.equal(buckets.size, 0);
  });

  it('keeps at most maxKeys buckets, dropping the least recently used', () => {
    const buckets = new TokenBuckets(60, 1, 2);
    buckets.take('a', 0);
    buckets.take('b', 0);
    buckets.take('a', 0);
    buckets.take('c', 0);
    assert.equal(buckets.size, 2);
    assert.equal(buckets.take('a', 0), 1, 'a was used recently and is still throttled');
    assert.equal(buckets.take('b', 0), 0, 'b was dropped and starts afresh');
  });
});
