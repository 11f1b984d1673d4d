import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineEvent } from './contract';
import { EVENT_CONTRACTS } from './registry';
import { ALL_TOPICS, deadLetterTopic, retryTopic, TOPICS } from './topics';
import { z } from 'zod';

describe('event contracts', () => {
  it('every contract has a unique, versioned type on a known topic', () => {
    assert.ok(EVENT_CONTRACTS.size >= 15);
    for (const [type, c] of EVENT_CONTRACTS) {
      assert.equal(type, c.type);
      assert.match(type, /^de\.amtsbote\.[a-z-]+\.[a-z-]+\.v\d+$/);
      assert.ok(ALL_TOPICS.includes(c.topic), `${type} on unknown topic ${c.topic}`);
      assert.ok(c.description.length > 10);
    }
  });

  it('refuses a type that does not follow the naming rule', () => {
    assert.throws(
      () => defineEvent('submission.done', TOPICS.submission, z.object({}), 'x'),
      /does not follow/,
    );
  });

  it('derives retry and dead-letter topic names', () => {
    assert.equal(retryTopic(TOPICS.payment, 2), 'amtsbote.payment.v1.retry.2');
    assert.equal(deadLetterTopic(TOPICS.payment), 'amtsbote.payment.v1.dlt');
  });

  it('payload schemas reject what the producer must not send', () => {
    const submitted = EVENT_CONTRACTS.get('de.amtsbote.submission.submitted.v1')!;
    const bad = submitted.schema.safeParse({ submissionId: 'x', leikaKey: '12' });
    assert.equal(bad.success, false);
  });
});
