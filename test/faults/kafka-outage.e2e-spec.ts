/**
 * Fault tolerance (issue 9 §3): the Kafka broker is stopped and started again while 500 submissions stream
 * in. Intake writes its events to its outbox in the submission's transaction, so it keeps accepting; the
 * events wait and flow once the broker is back. Afterwards every accepted submission is at the
 * Fachverfahren exactly once and has exactly one Postkorb timeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, mintToken, startKafka, stopKafka } from '@amtsbote/testing';
import { awaitPostkorbTimeline } from '../journeys/journey';
import { startSystem, type System } from '../journeys/system';
import {
  acceptWithoutSchemaCheck,
  type Accepted,
  deliveryProgress,
  inParallel,
  postkorbSubmissions,
  prepareApplications,
  receivedBySubmission,
  type Refusal,
  quietServices,
  restoreStack,
  destinationMessages,
  seedWithoutFee,
  sleep,
  submitWithRetry,
} from './faults';

const SUBMISSIONS = 500;
/** 25 submissions/s: the stream lasts ~20 s and the outage lies inside it. */
const SPACING_MS = 40;
const BROKER_STOPS_AFTER_MS = 3_000;
const BROKER_DOWN_MS = 4_000;

describe('Kafka broker stopped and restarted while 500 submissions stream in', () => {
  let sys: System;

  before(async () => {
    // No automatic answers: 500 Bescheide would only load the machine; delivery is what is checked here.
    sys = await startSystem({
      label: 'fault_kafka',
      env: { ...quietServices, routing: { ...quietServices.routing, ROUTING_DELIVERY_CONCURRENCY: '8' } },
      fachverfahren: { autoRespond: false, validate: acceptWithoutSchemaCheck },
    });
    await seedWithoutFee(sys.targets);
  });

  after(async () => {
    await restoreStack();
    await sys?.stop();
  });

  it('every accepted submission reaches the Fachverfahren exactly once and has exactly one Postkorb timeline', async () => {
    const t = sys.targets;
    const anna = await mintToken(t.issuer, 'anna');
    const applications = await prepareApplications(t, anna, SUBMISSIONS);

    const refusals: Refusal[] = [];
    const outage = { from: 0, to: 0 };
    const t0 = Date.now();
    const fault = (async () => {
      await sleep(BROKER_STOPS_AFTER_MS);
      outage.from = Date.now();
      await stopKafka();
      await sleep(BROKER_DOWN_MS);
      await startKafka({ log: () => undefined });
      outage.to = Date.now();
    })();
    let results: Array<{ sentAt: number; accepted: Accepted | undefined }>;
    try {
      results = await inParallel(applications, 16, async (app, i) => {
        await sleep(t0 + i * SPACING_MS - Date.now());
        const sentAt = Date.now();
        const accepted = await submitWithRetry(t, anna, app, { refusals, deadlineMs: t0 + 90_000 });
        return { sentAt, accepted };
      });
    } finally {
      await fault.catch(() => undefined);
      await restoreStack();
    }
    const duringOutage = results.filter((r) => r.sentAt >= outage.from && r.sentAt <= outage.to).length;
    const streamMs = Date.now() - t0;

    // Refused submissions (if any) were refused as a transient outage, never with a 500, and the portal's
    // retry with the same Idempotency-Key got them accepted.
    for (const r of refusals) {
      assert.equal(r.status, 503, `a submission was refused with ${r.status}`);
      assert.ok(Number(r.retryAfter) > 0, 'a 503 carries Retry-After');
      assert.match(r.contentType ?? '', /^application\/problem\+json/);
    }
    const accepted = results.map((r) => r.accepted).filter((a): a is Accepted => a !== undefined);
    assert.equal(accepted.length, SUBMISSIONS, 'every submission was accepted in the end');
    assert.equal(new Set(accepted.map((a) => a.submissionId)).size, SUBMISSIONS);
    assert.equal(new Set(accepted.map((a) => a.vorgangsnummer)).size, SUBMISSIONS);
    assert.ok(duringOutage > 0, 'submissions were sent while the broker was down');

    const byId = new Map(accepted.map((a) => [a.submissionId, a]));
    const delivered = await eventually(
      async () => {
        const got = receivedBySubmission(sys.fvSim.received);
        return accepted.every((a) => got.has(a.submissionId)) ? got : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 500, what: `all ${SUBMISSIONS} submissions at the Fachverfahren` },
    ).catch(async (err: Error) => {
      const ids = accepted.map((a) => a.submissionId);
      throw new Error(`${err.message} (${await deliveryProgress(t, anna, sys.fvSim.received, ids)})`);
    });
    const deliveredMs = Date.now() - t0;
    // Exactly once at the receiver: one message per submission and nothing else.
    assert.equal(delivered.size, SUBMISSIONS);
    assert.equal(sys.fvSim.received.size, SUBMISSIONS);
    for (const [submissionId, messages] of delivered) {
      const a = byId.get(submissionId);
      assert.ok(a, `the Fachverfahren got a submission nobody accepted: ${submissionId}`);
      assert.equal(messages.length, 1, `${submissionId} arrived as ${messages.length} messages`);
      assert.equal(messages[0].envelope.vorgangsnummer, a.vorgangsnummer);
    }
    // The broker outage never touched the deliveries themselves (rows in routing's database), so routing
    // had no reason to send a message twice: not even the receiver's de-duplication was needed.
    assert.equal(sys.fvSim.duplicates, 0, 'no message was pushed twice');
    assert.equal(sys.fvSim.pushes, SUBMISSIONS);
    const messages = await eventually(
      async () => {
        const m = await destinationMessages(t);
        return m.length === SUBMISSIONS && m.every((x) => x.state === 'DELIVERED') ? m : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'routing to record every message as DELIVERED' },
    );
    assert.equal(new Set(messages.map((m) => m.submissionId)).size, SUBMISSIONS);

    // Exactly one Postkorb timeline per submission, each showing the delivery once.
    const postkorb = await eventually(
      async () => {
        const list = await postkorbSubmissions(t, anna);
        return list.length >= SUBMISSIONS && list.every((s) => s.status === 'RECEIVED') ? list : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'every Postkorb entry to show the delivery' },
    );
    assert.equal(postkorb.length, SUBMISSIONS);
    assert.deepEqual(new Set(postkorb.map((s) => s.submissionId)), new Set(byId.keys()));
    // intake's DELIVERED already shows RECEIVED; routing's own `routing.delivered` comes on another topic,
    // whose consumer may still be catching up after the broker's return.
    const timelines = await inParallel(accepted, 8, (a) =>
      awaitPostkorbTimeline(
        t,
        { token: anna },
        a.submissionId,
        (tl) => tl.status === 'RECEIVED' && tl.entries.some((e) => e.kind === 'routing.delivered'),
      ),
    );
    for (const [i, timeline] of timelines.entries()) {
      const kinds = timeline.entries.map((e) => e.kind);
      const once = (kind: string) => kinds.filter((k) => k === kind).length === 1;
      assert.ok(
        once('submission.submitted') && once('routing.delivered'),
        `${accepted[i].submissionId}: ${kinds.join(', ')}`,
      );
    }
    process.stdout.write(
      `  ${SUBMISSIONS} submissions in ${streamMs} ms, ${duringOutage} sent while the broker was down ` +
        `(${outage.to - outage.from} ms), ${refusals.length} refused with 503; all delivered after ${deliveredMs} ms\n` +
        `  timeline of one: ${timelines[0].entries.map((e) => `${e.kind}:${e.status ?? ''}`).join(', ')}\n`,
    );
  });
});
