import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  postkorbReplySentV1,
  routingAlertV1,
  routingDeliveredV1,
  routingFailedV1,
  routingRoutedV1,
  TOPICS,
} from '@amtsbote/contracts';
import { eventually, EventRecorder, publishTestEvent } from '@amtsbote/testing';
import {
  api,
  destinationBody,
  type FachverfahrenSimulator,
  LEIKA,
  publishBlaueKarte,
  publishReady,
  type RoutingUnderTest,
  simulatorModule,
  startRouting,
  startSimulator,
  tokens,
} from './harness';

const SECRET = 'push-secret-of-the-delivery-test-fachverfahren-0123456789';

interface MessageView {
  messageId: string;
  state: string;
  attempts: number;
  lastError: string | null;
}

interface DeadLetter extends MessageView {
  reason: string;
  report: { summary: string; httpStatus?: number };
}

describe('push delivery: signatures, retries, dead letters, redelivery, restart', () => {
  let r: RoutingUnderTest;
  let sim: FachverfahrenSimulator;
  let recorder: EventRecorder;
  let admin: string;
  let region = 10;

  before(async () => {
    r = await startRouting('delivery', { ROUTING_MAX_ATTEMPTS: '6' });
    sim = await startSimulator({ secret: SECRET });
    recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    admin = await tokens.admin();
    await publishBlaueKarte(r.topicPrefix);
  });

  after(async () => {
    await recorder?.stop();
    await sim?.stop();
    await r?.close();
  });

  /** A fresh push destination (own ARS region) pointing at the simulator; returns a publisher for it. */
  async function destination(id: string, secret = SECRET) {
    const ars = String(region++).padStart(2, '0');
    const created = await api(r.url, 'POST', '/destinations', admin, {
      ...destinationBody({ id, format: 'fim-xml', channel: 'http-push', endpointUrl: sim.inboxUrl }),
      secret,
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(
      (await api(r.url, 'POST', '/routes', admin, { leikaKey: LEIKA, ars, destinationId: id })).status,
      201,
    );
    return () => publishReady(r.topicPrefix, { ars: `${ars}${'0'.repeat(10)}` });
  }

  const messageOf = async (submissionId: string) =>
    (await api<MessageView[]>(r.url, 'GET', `/messages?submissionId=${submissionId}`, admin)).body[0];

  it('signs each push with HMAC-SHA512 over timestamp.body; stale, forged and unsigned requests are refused', async () => {
    const publish = await destination('hb-signed');
    const sent = await publish();
    const delivered = await eventually(
      async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0],
      { what: 'delivered' },
    );
    const body = Buffer.from(JSON.stringify(sim.received.get(delivered.data.messageId)!.envelope));
    const post = (headers: Record<string, string>) =>
      fetch(sim.inboxUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const now = Math.floor(Date.now() / 1000);
    const refusedBefore = sim.refusedSignatures.length;
    assert.equal(
      (await post(simulatorModule.signPushForTest(SECRET, body, now))).status,
      200,
      'a correct signature passes',
    );
    assert.equal(
      (await post(simulatorModule.signPushForTest(SECRET, body, now - 301))).status,
      401,
      'older than 5 minutes',
    );
    assert.equal(
      (await post(simulatorModule.signPushForTest('another-secret-another-secret-another', body, now)))
        .status,
      401,
    );
    const tampered = simulatorModule.signPushForTest(SECRET, body, now);
    assert.equal(
      (await post({ ...tampered, 'x-amtsbote-timestamp': String(now - 1) })).status,
      401,
      'timestamp is signed',
    );
    assert.equal((await post({})).status, 401);
    assert.deepEqual(
      sim.refusedSignatures.slice(refusedBefore).map((x) => x.verdict),
      ['stale', 'forged', 'forged', 'missing'],
    );
  });

  it('a wrong secret is a permanent refusal: dead letter, then redelivery after the secret is fixed', async () => {
    const publish = await destination(
      'hb-wrong-secret',
      'a-secret-the-fachverfahren-does-not-know-0123456789',
    );
    const sent = await publish();
    const alert = await eventually(async () => recorder.ofType(routingAlertV1, sent.submissionId)[0], {
      what: 'alert',
    });
    const dead = (await api<DeadLetter>(r.url, 'GET', `/dead-letters/${alert.data.messageId}`, admin)).body;
    assert.equal(dead.reason, 'REFUSED_BY_RECEIVER');
    assert.equal(dead.report.httpStatus, 401);
    assert.equal(dead.attempts, 1, 'not retried');
    const rotated = await api(r.url, 'POST', '/destinations/hb-wrong-secret/secret', admin, {
      secret: SECRET,
    });
    assert.equal(rotated.status, 200);
    assert.equal((await api(r.url, 'POST', `/dead-letters/${dead.messageId}/redeliver`, admin)).status, 200);
    const delivered = await eventually(
      async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0],
      { what: 'delivered' },
    );
    assert.equal(delivered.data.messageId, dead.messageId, 'same message id after redelivery');
    // Refused credentials are the operator's to fix; the citizen was not told of a failure.
    assert.deepEqual(recorder.ofType(routingFailedV1, sent.submissionId), []);
  });

  it('retries with backoff while the Fachverfahren is down, dead-letters after the last attempt, redelivers when it is up', async () => {
    const publish = await destination('hb-flaky');
    await sim.goDown();
    let sent: Awaited<ReturnType<typeof publish>>;
    let second: Awaited<ReturnType<typeof publish>>;
    try {
      sent = await publish();
      second = await publish();
      const alerts = await eventually(
        async () => {
          const a = [
            ...recorder.ofType(routingAlertV1, sent.submissionId),
            ...recorder.ofType(routingAlertV1, second.submissionId),
          ];
          return a.length === 2 ? a : undefined;
        },
        { what: 'two dead letters', timeoutMs: 30000 },
      );
      assert.ok(alerts.every((a) => a.data.kind === 'DEAD_LETTER' && a.data.destinationId === 'hb-flaky'));
      const listed = await api<DeadLetter[]>(r.url, 'GET', '/dead-letters?destinationId=hb-flaky', admin);
      assert.equal(listed.body.length, 2);
      for (const d of listed.body) {
        assert.equal(d.reason, 'UNDELIVERABLE');
        assert.equal(d.attempts, 6, 'ROUTING_MAX_ATTEMPTS');
        assert.match(d.report.summary, /gave up after 6 attempts.*ECONNREFUSED/);
      }
      assert.equal(recorder.ofType(routingDeliveredV1, sent.submissionId).length, 0);
      assert.equal(
        (
          await api(
            r.url,
            'GET',
            '/dead-letters?destinationId=hb-flaky',
            await tokens.admin('nw-routing-admin'),
          )
        ).text,
        '[]',
      );
    } finally {
      await sim.comeUp();
    }
    const redelivered = await api<{ redelivered: string[] }>(
      r.url,
      'POST',
      '/destinations/hb-flaky/redeliver',
      admin,
    );
    assert.equal(redelivered.body.redelivered.length, 2);
    for (const s of [sent, second]) {
      const delivered = await eventually(async () => recorder.ofType(routingDeliveredV1, s.submissionId)[0], {
        what: 'redelivered',
      });
      assert.ok(redelivered.body.redelivered.includes(delivered.data.messageId), 'the message keeps its id');
      assert.ok(sim.received.has(delivered.data.messageId));
    }
    assert.deepEqual(
      (await api<unknown[]>(r.url, 'GET', '/dead-letters?destinationId=hb-flaky', admin)).body,
      [],
    );
    const audit = await api<Array<{ action: string }>>(r.url, 'GET', '/audit-log', admin);
    assert.ok(audit.body.some((a) => a.action === 'dead-letter.redeliver-all'));
  });

  it('5xx, 408 and 429 are retried until the Fachverfahren answers 2xx; 4xx is final and can be abandoned', async () => {
    const publish = await destination('hb-moody');
    for (const status of [503, 408, 429]) {
      sim.setMode({ kind: 'error', status });
      const sent = await publish();
      await eventually(async () => ((await messageOf(sent.submissionId))?.attempts ?? 0) >= 2 || undefined, {
        what: `retries on ${status}`,
      });
      sim.setMode({ kind: 'ok' });
      const delivered = await eventually(
        async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0],
        { what: 'delivered' },
      );
      assert.ok(sim.received.has(delivered.data.messageId));
    }
    sim.setMode({ kind: 'reject' });
    try {
      const refused = await publish();
      const alert = await eventually(async () => recorder.ofType(routingAlertV1, refused.submissionId)[0], {
        what: 'refusal',
      });
      const dead = (await api<DeadLetter>(r.url, 'GET', `/dead-letters/${alert.data.messageId}`, admin)).body;
      assert.deepEqual([dead.reason, dead.attempts, dead.report.httpStatus], ['REFUSED_BY_RECEIVER', 1, 422]);
      // A refusal of the message itself fails the submission back to the citizen at once, like a pull reject.
      const failed = await eventually(async () => recorder.ofType(routingFailedV1, refused.submissionId)[0], {
        what: 'failed',
      });
      assert.equal(failed.data.code, 'REJECTED');
      const abandoned = await api<{ state: string }>(
        r.url,
        'POST',
        `/dead-letters/${dead.messageId}/abandon`,
        admin,
      );
      assert.equal(abandoned.body.state, 'ABANDONED');
      assert.equal(
        (await api(r.url, 'POST', `/dead-letters/${dead.messageId}/redeliver`, admin)).status,
        404,
      );
    } finally {
      sim.setMode({ kind: 'ok' });
    }
  });

  it("pushes a citizen's Postkorb reply to the Fachverfahren the submission went to", async () => {
    const publish = await destination('hb-push-reply');
    const sent = await publish();
    await eventually(async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0], {
      what: 'delivered',
    });
    const replyId = randomUUID();
    await publishTestEvent({
      topicPrefix: r.topicPrefix,
      contract: postkorbReplySentV1,
      subject: sent.submissionId,
      tenant: 'hb',
      id: randomUUID(),
      data: {
        replyId,
        submissionId: sent.submissionId,
        tenant: 'hb',
        fromKey: 'http://127.0.0.1:4400|anna',
        text: 'Rückfrage beantwortet.',
        attachments: [],
        at: new Date().toISOString(),
      },
    });
    const reply = await sim.waitFor(
      () =>
        [...sim.received.values()].find(
          (m) => m.envelope.kind === 'citizen-reply' && m.envelope.submissionId === sent.submissionId,
        ),
      20000,
      'the citizen reply',
    );
    assert.equal(reply.envelope.destinationId, 'hb-push-reply');
    const payload = JSON.parse(reply.payload.toString('utf8')) as {
      replyId: string;
      text: string;
      vorgangsnummer: string;
    };
    assert.deepEqual(
      [payload.replyId, payload.text, payload.vorgangsnummer],
      [replyId, 'Rückfrage beantwortet.', sent.vorgangsnummer],
    );
  });

  it('no duplicate delivery after a restart mid-delivery: the re-send keeps its id and the receiver drops it', async () => {
    const publish = await destination('hb-restart');
    sim.setMode({ kind: 'slow', delayMs: 3000 });
    const pushesBefore = sim.pushes;
    const duplicatesBefore = sim.duplicates;
    const sent = await publish();
    const routed = await eventually(async () => recorder.ofType(routingRoutedV1, sent.submissionId)[0], {
      what: 'routed',
    });
    const messageId = routed.data.messageId;
    // The Fachverfahren has taken the message, its answer is still on the way: routing stops now.
    await sim.waitFor(() => sim.received.has(messageId), 20000, 'the push to arrive');
    await r.stop();
    assert.equal(recorder.ofType(routingDeliveredV1, sent.submissionId).length, 0);
    sim.setMode({ kind: 'ok' });
    await r.restart();
    const delivered = await eventually(
      async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0],
      { what: 'delivered after restart', timeoutMs: 30000 },
    );
    assert.equal(delivered.data.messageId, messageId);
    assert.ok(sim.pushes - pushesBefore >= 2, 'sent again after the restart');
    assert.equal(
      sim.duplicates - duplicatesBefore,
      1,
      'the receiver recognised the re-send by its message id',
    );
    assert.equal(
      [...sim.received.values()].filter((m) => m.envelope.submissionId === sent.submissionId).length,
      1,
    );
    // Let late duplicates of events surface before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(recorder.ofType(routingDeliveredV1, sent.submissionId).length, 1, 'delivered exactly once');
    assert.equal(recorder.ofType(routingRoutedV1, sent.submissionId).length, 1);
    assert.equal((await messageOf(sent.submissionId)).state, 'DELIVERED');
  });
});
