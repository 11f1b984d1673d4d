import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { errorText, retryState } from './retries';

const record = (headers: Record<string, string> = {}): KafkaMessage => ({
  key: null,
  value: null,
  offset: '7',
  timestamp: '0',
  attributes: 0,
  headers,
});

describe('retryState (where a consumed record stands in the retry chain)', () => {
  it('a record of a main topic is a first delivery, due now', () => {
    assert.deepEqual(retryState('p.submission', record({ 'x-retry-group': 'other' }), 'intake'), {
      originalTopic: 'p.submission',
      attempt: 0,
      foreign: false,
      dueAt: 0,
    });
  });

  it('a retry of this group carries its attempt, original topic and due time', () => {
    const s = retryState(
      'p.submission.retry.2',
      record({
        'x-retry-attempt': '2',
        'x-retry-due': '1765100000000',
        'x-retry-group': 'intake',
        'x-original-topic': 'p.submission',
      }),
      'intake',
    );
    assert.deepEqual(s, { originalTopic: 'p.submission', attempt: 2, foreign: false, dueAt: 1765100000000 });
  });

  it("another group's retry is foreign; missing headers fall back to the topic's name", () => {
    const s = retryState('p.routing.retry.1', record({ 'x-retry-group': 'accounts' }), 'intake');
    assert.equal(s.foreign, true);
    assert.equal(s.originalTopic, 'p.routing');
    assert.equal(s.attempt, 1);
    assert.equal(retryState('p.routing.retry.1', record(), 'intake').foreign, true);
  });
});

describe('errorText', () => {
  it('names the error and bounds its length', () => {
    assert.equal(errorText(new TypeError('boom')), 'TypeError: boom');
    assert.equal(errorText('x'.repeat(2000)).length, 1000);
  });
});
