/**
 * Fault tolerance (issue 9 §3): the Fachverfahren stays down for longer than routing's retry budget
 * (shortened here to 3 attempts within about a second). The message becomes a dead letter and the
 * destination's contact is alerted (`routing.alert` DEAD_LETTER); the citizen's application waits. When
 * the Fachverfahren is back, the operator redelivers (docs/fachverfahren.md §6): the same message arrives,
 * and the citizen's status moves on to the Bescheid.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { routingAlertV1, routingDeliveredV1, TOPICS } from '@amtsbote/contracts';
import { eventually, EventRecorder, mintToken } from '@amtsbote/testing';
import { awaitIntakeStatus, awaitPostkorbTimeline, DEMO, http, intakeStatus } from '../journeys/journey';
import { startSystem, type System } from '../journeys/system';
import { prepareApplications, quietServices, type Refusal, seedWithoutFee, submitWithRetry } from './faults';

const MAX_ATTEMPTS = 3;

interface DeadLetter {
  messageId: string;
  submissionId: string;
  state: string;
  reason: string;
  attempts: number;
  report: { summary: string };
}

describe('the Fachverfahren down for longer than the retry budget', () => {
  let sys: System;
  let recorder: EventRecorder;

  before(async () => {
    sys = await startSystem({
      label: 'fault_fachverfahren',
      env: {
        ...quietServices,
        routing: {
          ...quietServices.routing,
          ROUTING_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
          ROUTING_RETRY_BASE_MS: '200',
          ROUTING_RETRY_MAX_MS: '500',
          // 'down' refuses at once; the redelivery's push must not time out while the simulator validates the
          // message with xmllint-wasm (seconds on a busy CI machine), or it is sent twice (a duplicate).
          ROUTING_PUSH_TIMEOUT_MS: '15000',
        },
      },
    });
    recorder = await EventRecorder.start(sys.topicPrefix, [TOPICS.routing]);
    await seedWithoutFee(sys.targets);
  });

  after(async () => {
    await recorder?.stop();
    await sys?.stop();
  });

  it('dead letter and alert, then a redelivery reaches it and the citizen gets the Bescheid', async () => {
    const t = sys.targets;
    const anna = await mintToken(t.issuer, 'anna');
    const operator = await mintToken(t.issuer, 'hb-routing-admin');
    const [application] = await prepareApplications(t, anna, 1);
    const refusals: Refusal[] = [];

    sys.fvSim.setMode({ kind: 'down' });
    const submitted = await submitWithRetry(t, anna, application, {
      refusals,
      deadlineMs: Date.now() + 10_000,
    });
    assert.ok(submitted, JSON.stringify(refusals));
    const { submissionId } = submitted;

    const [alert] = await eventually(
      async () => {
        const a = recorder.ofType(routingAlertV1, submissionId);
        return a.length > 0 ? a : undefined;
      },
      { timeoutMs: 30_000, what: 'the routing.alert of the dead letter' },
    );
    assert.equal(alert.data.kind, 'DEAD_LETTER');
    assert.equal(alert.data.destinationId, DEMO.destinationId);
    assert.equal(alert.data.contact, 'fv-betrieb@bremen.example');
    assert.match(alert.data.detail, new RegExp(`^UNDELIVERABLE: gave up after ${MAX_ATTEMPTS} attempts`));
    const messageId = alert.data.messageId;

    const dead = await http<DeadLetter>('GET', `${t.routing}/dead-letters/${messageId}`, {
      token: operator,
    });
    assert.equal(dead.body.state, 'DEAD');
    assert.equal(dead.body.reason, 'UNDELIVERABLE');
    assert.equal(dead.body.attempts, MAX_ATTEMPTS);
    assert.equal(dead.body.submissionId, submissionId);
    // Nothing arrived, and the citizen's application is not shown as delivered.
    assert.equal(sys.fvSim.received.size, 0);
    assert.equal(recorder.ofType(routingDeliveredV1, submissionId).length, 0);
    assert.equal((await intakeStatus(t, { token: anna }, submissionId)).status, 'ROUTED');

    sys.fvSim.setMode({ kind: 'ok' });
    const redelivered = await http<{ messageId?: string }>(
      'POST',
      `${t.routing}/dead-letters/${messageId}/redeliver`,
      { token: operator, expect: [200] },
    );
    assert.equal(redelivered.status, 200);

    const status = await awaitIntakeStatus(t, { token: anna }, submissionId, ['COMPLETED']);
    assert.deepEqual(
      status.timeline.map((e) => e.status),
      ['SUBMITTED', 'READY', 'ROUTED', 'DELIVERED', 'RECEIVED', 'PROCESSING', 'COMPLETED'],
    );
    // The same message, once, under the id the operator saw in the dead letter.
    assert.deepEqual([...sys.fvSim.received.keys()], [messageId]);
    assert.equal(sys.fvSim.received.get(messageId)!.validation.valid, true);
    assert.equal(sys.fvSim.duplicates, 0);
    assert.equal(recorder.ofType(routingAlertV1, submissionId).length, 1, 'one alert, none after redelivery');
    const timeline = await awaitPostkorbTimeline(
      t,
      { token: anna },
      submissionId,
      (tl) => tl.status === 'COMPLETED',
    );
    assert.equal(timeline.entries.filter((e) => e.kind === 'routing.reply.BESCHEID').length, 1);
    assert.equal(timeline.entries.filter((e) => e.kind === 'routing.delivered').length, 1);
    assert.deepEqual(
      (await http<unknown[]>('GET', `${t.routing}/dead-letters`, { token: operator })).body,
      [],
    );
  });
});
