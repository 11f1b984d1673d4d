import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineEvent, TOPICS } from '@amtsbote/contracts';
import { z } from 'zod';
import type { RegisteredHandler } from './consumer';
import { consumedTopics } from './messaging.module';

const onSubmission = defineEvent('de.amtsbote.test.a.v1', TOPICS.submission, z.object({}), 'a');
const onPayment = defineEvent('de.amtsbote.test.b.v1', TOPICS.payment, z.object({}), 'b');
const alsoSubmission = defineEvent('de.amtsbote.test.c.v1', TOPICS.submission, z.object({}), 'c');

const handlers = (...contracts: RegisteredHandler['contract'][]) =>
  new Map(contracts.map((c) => [c.type, { contract: c, handle: () => Promise.resolve() }]));

describe('consumed topics', () => {
  it('are the topics of the registered handlers, each once', () => {
    assert.deepEqual(consumedTopics(handlers(onPayment, onSubmission, alsoSubmission), undefined, 'svc'), [
      TOPICS.payment,
      TOPICS.submission,
    ]);
    assert.deepEqual(consumedTopics(handlers(), undefined, 'svc'), []);
  });

  it('fail the boot when an explicit list lacks the topic of a handler, naming handler and topic', () => {
    assert.throws(
      () => consumedTopics(handlers(onSubmission, onPayment), [TOPICS.submission], 'svc'),
      (err: Error) =>
        err.message.includes('de.amtsbote.test.b.v1') &&
        err.message.includes(`does not consume ${TOPICS.payment}`),
    );
  });

  it('keep an explicit list that covers every handler', () => {
    assert.deepEqual(consumedTopics(handlers(onSubmission), [TOPICS.submission, TOPICS.submission], 'svc'), [
      TOPICS.submission,
    ]);
  });
});
