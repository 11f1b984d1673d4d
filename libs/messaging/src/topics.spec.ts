import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivedTopics } from './topics';

describe('topic registry', () => {
  it('derives retry levels and the dead-letter topic of each topic', () => {
    assert.deepEqual(derivedTopics(['a.v1'], 2), ['a.v1', 'a.v1.retry.1', 'a.v1.retry.2', 'a.v1.dlt']);
    assert.deepEqual(derivedTopics(['a.v1', 'b.v1'], 0), ['a.v1', 'a.v1.dlt', 'b.v1', 'b.v1.dlt']);
  });
});
