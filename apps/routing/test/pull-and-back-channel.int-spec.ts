import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  postkorbReplySentV1,
  routingAlertV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingRoutedV1,
  routingStatusV1,
  TOPICS,
} from '@amtsbote/contracts';
import { DEV_CLIENTS, eventually, EventRecorder, OIDC_ISSUER, publishTestEvent } from '@amtsbote/testing';
import {
  api,
  AttachmentServer,
  destinationBody,
  type FachverfahrenSimulator,
  LEIKA,
  publishBlaueKarte,
  publishReady,
  type RoutingUnderTest,
  startRouting,
  startSimulator,
  tokens,
} from './harness';

const SECRET = 'callback-secret-of-the-pull-fachverfahren-0123456789';
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

interface Summary {
  messageId: string;
  kind: string;
  submissionId: string;
  state: string;
}

describe('pull mailbox and back channel for Fachverfahren', () => {
  let r: RoutingUnderTest;
  let bremen: FachverfahrenSimulator;
  let other: FachverfahrenSimulator;
  let files: AttachmentServer;
  let recorder: EventRecorder;
  let hbToken: string;
  let nwToken: string;
  let accepted: { messageId: string; submissionId: string };

  const client = (id: 'fv-bremen-parken' | 'fv-other', sim: FachverfahrenSimulator) =>
    sim.configureRouting({
      url: r.url,
      issuer: OIDC_ISSUER,
      clientId: id,
      clientSecret: DEV_CLIENTS[id].clientSecret,
    });

  before(async () => {
    r = await startRouting('pull');
    bremen = await startSimulator({ secret: SECRET });
    other = await startSimulator();
    files = await AttachmentServer.start();
    recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    client('fv-bremen-parken', bremen);
    client('fv-other', other);
    [hbToken, nwToken] = await Promise.all([tokens.client('fv-bremen-parken'), tokens.client('fv-other')]);
    await publishBlaueKarte(r.topicPrefix);
    const hbAdmin = await tokens.admin('hb-routing-admin');
    const nwAdmin = await tokens.admin('nw-routing-admin');
    const hb = await api(r.url, 'POST', '/destinations', hbAdmin, {
      ...destinationBody({
        id: 'hb-bewohnerparken',
        format: 'fim-xml',
        channel: 'pull',
        callbackUrl: bremen.callbackUrl,
      }),
      secret: SECRET,
    });
    assert.equal(hb.status, 201, hb.text);
    const nw = await api(
      r.url,
      'POST',
      '/destinations',
      nwAdmin,
      destinationBody({ id: 'nw-other', format: 'fit-connect-json', channel: 'pull' }),
    );
    assert.equal(nw.status, 201, nw.text);
    assert.equal(
      (
        await api(r.url, 'POST', '/routes', hbAdmin, {
          leikaKey: LEIKA,
          ars: null,
          destinationId: 'hb-bewohnerparken',
        })
      ).status,
      201,
    );
    assert.equal(
      (
        await api(r.url, 'POST', '/routes', nwAdmin, {
          leikaKey: LEIKA,
          ars: null,
          destinationId: 'nw-other',
        })
      ).status,
      201,
    );
  });

  after(async () => {
    await recorder?.stop();
    await bremen?.stop();
    await other?.stop();
    await files?.close();
    await r?.close();
  });

  const mailbox = async (token: string) =>
    (await api<Summary[]>(r.url, 'GET', '/fachverfahren/messages', token)).body;

  async function available(submissionId: string): Promise<string> {
    const routed = await eventually(async () => recorder.ofType(routingRoutedV1, submissionId)[0], {
      what: 'routed',
    });
    assert.equal(routed.data.channel, 'pull');
    return routed.data.messageId;
  }

  it('keeps a message in the mailbox until it is accepted; a signed callback says it is there', async () => {
    const pdf = Buffer.from('%PDF-1.4 Meldebescheinigung '.repeat(50));
    const sent = await publishReady(r.topicPrefix, {
      attachments: [files.add('Meldebescheinigung.pdf', 'application/pdf', pdf)],
    });
    const messageId = await available(sent.submissionId);
    const callback = await bremen.waitFor(
      () => bremen.callbacks.find((c) => c.messageId === messageId),
      10000,
      'callback',
    );
    assert.equal(callback.verdict, 'ok', 'the callback is HMAC-signed with the destination secret');

    assert.deepEqual(
      (await mailbox(hbToken)).map((m) => m.messageId),
      [messageId],
    );
    const envelope = await api<{
      payload: { sha512: string; content?: string };
      attachments: Array<{ attachmentId: string; sha512: string }>;
    }>(r.url, 'GET', `/fachverfahren/messages/${messageId}`, hbToken);
    assert.equal(envelope.status, 200);
    assert.equal(envelope.body.payload.content, undefined, 'the descriptor carries no contents');
    const payload = await fetch(`${r.url}/fachverfahren/messages/${messageId}/payload`, {
      headers: { authorization: `Bearer ${hbToken}` },
    });
    const xml = Buffer.from(await payload.arrayBuffer());
    assert.equal(payload.headers.get('content-type'), 'application/xml');
    assert.equal(sha512(xml), envelope.body.payload.sha512);
    assert.match(xml.toString('utf8'), new RegExp(`<nachrichtenUUID>${messageId}</nachrichtenUUID>`));
    const attachment = await fetch(
      `${r.url}/fachverfahren/messages/${messageId}/attachments/${envelope.body.attachments[0].attachmentId}`,
      {
        headers: { authorization: `Bearer ${hbToken}` },
      },
    );
    assert.deepEqual(Buffer.from(await attachment.arrayBuffer()), pdf);
    // Fetched, not accepted: still there.
    assert.deepEqual(
      (await mailbox(hbToken)).map((m) => m.messageId),
      [messageId],
    );

    const pulled = await bremen.pullOnce();
    assert.deepEqual(
      pulled.map((m) => m.messageId),
      [messageId],
    );
    assert.equal(pulled[0].validation.valid, true, pulled[0].validation.problems.join('\n'));
    assert.deepEqual(pulled[0].validation.checked, ['fim-xml:S00000121_1.0 (xmllint-wasm)']);
    assert.deepEqual(await mailbox(hbToken), []);
    const again = await api<{ state: string }>(
      r.url,
      'POST',
      `/fachverfahren/messages/${messageId}/accept`,
      hbToken,
    );
    assert.deepEqual([again.status, again.body.state], [200, 'DELIVERED']);
    await eventually(async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0], {
      what: 'delivered',
    });
    accepted = { messageId, submissionId: sent.submissionId };
  });

  it('isolates destinations: a Fachverfahren never sees another one’s messages', async () => {
    const nwSent = await publishReady(r.topicPrefix, { tenant: 'nw', vorgangsnummer: 'NW-2026-1' });
    const nwMessage = await available(nwSent.submissionId);
    const hbSent = await publishReady(r.topicPrefix);
    const hbMessage = await available(hbSent.submissionId);
    assert.deepEqual(
      (await mailbox(nwToken)).map((m) => m.messageId),
      [nwMessage],
    );
    assert.deepEqual(
      (await mailbox(hbToken)).map((m) => m.messageId),
      [hbMessage],
    );
    for (const path of ['', '/payload', '/metadata']) {
      assert.equal(
        (await api(r.url, 'GET', `/fachverfahren/messages/${hbMessage}${path}`, nwToken)).status,
        404,
        path,
      );
    }
    assert.equal(
      (await api(r.url, 'POST', `/fachverfahren/messages/${hbMessage}/accept`, nwToken)).status,
      404,
    );
    assert.equal(
      (await api(r.url, 'POST', `/fachverfahren/messages/${hbMessage}/reject`, nwToken, { problems: [] }))
        .status,
      404,
    );
    assert.equal(
      (await api(r.url, 'POST', `/fachverfahren/messages/${accepted.messageId}/receipt`, nwToken)).status,
      404,
    );
    assert.equal(
      (await api(r.url, 'GET', `/fachverfahren/messages?destinationId=hb-bewohnerparken`, nwToken)).text,
      '[]',
    );
    assert.equal(
      (await api(r.url, 'GET', '/fachverfahren/messages', await tokens.admin('operator'))).status,
      403,
      'people are not clients',
    );
    assert.equal(
      (
        await api(
          r.url,
          'GET',
          '/fachverfahren/messages',
          await tokens.client('fv-bremen-parken', 'routing.status'),
        )
      ).status,
      403,
    );
    assert.equal((await api(r.url, 'GET', '/fachverfahren/messages', undefined)).status, 401);
    // The other Fachverfahren takes its own (FIT-Connect) message through the same API.
    const pulled = await other.pullOnce();
    assert.deepEqual(
      pulled.map((m) => m.messageId),
      [nwMessage],
      JSON.stringify(other.refusedInvalid),
    );
    assert.equal(pulled[0].validation.valid, true, pulled[0].validation.problems.join('\n'));
    assert.ok(bremen.received.has(hbMessage) === false);
  });

  it('a rejected message fails back to the citizen with the problems, and leaves the mailbox', async () => {
    const pending = await mailbox(hbToken);
    assert.equal(pending.length, 1);
    bremen.setMode({ kind: 'reject' });
    try {
      assert.deepEqual(await bremen.pullOnce(), []);
    } finally {
      bremen.setMode({ kind: 'ok' });
    }
    const failed = await eventually(
      async () => recorder.ofType(routingFailedV1, pending[0].submissionId)[0],
      { what: 'failed' },
    );
    assert.equal(failed.data.code, 'REJECTED');
    assert.match(failed.data.reason.de, /simulated refusal/);
    assert.deepEqual(await mailbox(hbToken), []);
    assert.equal(
      (await api(r.url, 'POST', `/fachverfahren/messages/${pending[0].messageId}/accept`, hbToken)).status,
      409,
    );
  });

  it('receipt, status and Bescheid become routing events exactly once, even when the Fachverfahren repeats them', async () => {
    const { messageId, submissionId } = accepted;
    const replyId = randomUUID();
    await bremen.respond(messageId, { replyId });
    // The Fachverfahren repeats itself (lost answers, retries): nothing new may reach Kafka.
    const statusId = randomUUID();
    for (let i = 0; i < 2; i++) {
      const receipt = await api<{ recorded: boolean }>(
        r.url,
        'POST',
        `/fachverfahren/messages/${messageId}/receipt`,
        hbToken,
      );
      assert.deepEqual([receipt.status, receipt.body.recorded], [200, false]);
      const action = await api<{ recorded: boolean }>(
        r.url,
        'POST',
        `/fachverfahren/messages/${messageId}/status`,
        hbToken,
        {
          statusId,
          status: 'ACTION_REQUIRED',
          message: 'Bitte reichen Sie den Arbeitsvertrag unterschrieben nach.',
        },
      );
      assert.deepEqual([action.status, action.body.recorded], [200, i === 0]);
      const reply = await api<{ recorded: boolean }>(
        r.url,
        'POST',
        `/fachverfahren/messages/${messageId}/replies`,
        hbToken,
        {
          replyId,
          kind: 'BESCHEID',
          subject: 'doppelt',
          body: 'doppelt',
          attachments: [],
        },
      );
      assert.deepEqual([reply.status, reply.body.recorded], [200, false]);
    }
    const missingText = await api(r.url, 'POST', `/fachverfahren/messages/${messageId}/status`, hbToken, {
      status: 'ACTION_REQUIRED',
    });
    assert.equal(missingText.status, 422);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const statuses = recorder.ofType(routingStatusV1, submissionId).map((e) => e.data.status);
    assert.deepEqual(statuses, ['RECEIVED', 'PROCESSING', 'COMPLETED', 'ACTION_REQUIRED']);
    const action = recorder
      .ofType(routingStatusV1, submissionId)
      .find((e) => e.data.status === 'ACTION_REQUIRED')!;
    assert.equal(action.data.message, 'Bitte reichen Sie den Arbeitsvertrag unterschrieben nach.');
    assert.equal(action.data.authority.destinationId, 'hb-bewohnerparken');
    const replies = recorder.ofType(routingReplyV1, submissionId);
    assert.equal(replies.length, 1);
    assert.equal(replies[0].data.replyId, replyId);
    assert.equal(replies[0].data.kind, 'BESCHEID');
    assert.match(replies[0].data.subject, /^Bescheid zu Ihrem Antrag HB-2026-/);
    assert.equal(recorder.ofType(routingDeliveredV1, submissionId).length, 1);

    // The Bescheid attachment: routing's own short-lived signed URL, content as announced.
    const file = replies[0].data.attachments[0];
    assert.equal(file.mediaType, 'application/pdf');
    const download = await fetch(file.url);
    assert.equal(download.status, 200);
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.length, file.size);
    assert.equal(sha512(bytes), file.sha512);
    assert.match(bytes.toString('latin1'), /^%PDF-1\.4/);
    assert.equal((await fetch(file.url.replace(/signature=[^&]+/, 'signature=forged'))).status, 403);
    assert.equal(
      (await fetch(file.url.replace(/expires=\d+/, 'expires=4102444800'))).status,
      403,
      'expiry is signed',
    );
  });

  it('status before the message has arrived is refused; so is a statusId of another message', async () => {
    const sent = await publishReady(r.topicPrefix);
    const messageId = await available(sent.submissionId);
    const early = await api(r.url, 'POST', `/fachverfahren/messages/${messageId}/status`, hbToken, {
      status: 'PROCESSING',
    });
    assert.equal(early.status, 409);
    assert.equal(
      (await api(r.url, 'POST', `/fachverfahren/messages/${messageId}/accept`, hbToken)).status,
      200,
    );
    const statusId = randomUUID();
    assert.equal(
      (
        await api(r.url, 'POST', `/fachverfahren/messages/${messageId}/status`, hbToken, {
          statusId,
          status: 'PROCESSING',
        })
      ).status,
      200,
    );
    const stolen = await api(r.url, 'POST', `/fachverfahren/messages/${accepted.messageId}/status`, hbToken, {
      statusId,
      status: 'PROCESSING',
    });
    assert.equal(stolen.status, 409);
  });

  it("takes a citizen's Postkorb reply to the submission's Fachverfahren", async () => {
    const replyId = randomUUID();
    const attachment = files.add(
      'Arbeitsvertrag-unterschrieben.pdf',
      'application/pdf',
      Buffer.from('%PDF-1.4 signed'),
    );
    await publishTestEvent({
      topicPrefix: r.topicPrefix,
      contract: postkorbReplySentV1,
      subject: accepted.submissionId,
      tenant: 'hb',
      id: randomUUID(),
      data: {
        replyId,
        submissionId: accepted.submissionId,
        tenant: 'hb',
        fromKey: 'http://127.0.0.1:4400|anna',
        text: 'Anbei der unterschriebene Arbeitsvertrag.',
        attachments: [attachment],
        at: new Date().toISOString(),
      },
    });
    const waiting = await eventually(
      async () => (await mailbox(hbToken)).find((m) => m.kind === 'citizen-reply'),
      { what: 'citizen reply in the mailbox' },
    );
    assert.equal(waiting.submissionId, accepted.submissionId);
    const pulled = await bremen.pullOnce();
    const reply = pulled.find((m) => m.messageId === waiting.messageId)!;
    const payload = JSON.parse(reply.payload.toString('utf8')) as {
      type: string;
      replyId: string;
      text: string;
    };
    assert.deepEqual(
      [payload.type, payload.replyId, payload.text],
      ['citizen-reply', replyId, 'Anbei der unterschriebene Arbeitsvertrag.'],
    );
    assert.deepEqual(reply.attachments[0].content, Buffer.from('%PDF-1.4 signed'));
    assert.equal(
      recorder.ofType(routingDeliveredV1, accepted.submissionId).length,
      1,
      'the submission is not delivered twice',
    );
  });
});

describe('pull messages nobody fetches', () => {
  let r: RoutingUnderTest;
  let recorder: EventRecorder;

  before(async () => {
    // N and M as fractions of a day: an alert after ~1.7 s, failure after ~4.3 s.
    r = await startRouting('pull_expiry', {
      ROUTING_PULL_ALERT_DAYS: '0.00002',
      ROUTING_PULL_EXPIRE_DAYS: '0.00005',
    });
    recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    await publishBlaueKarte(r.topicPrefix);
    const admin = await tokens.admin();
    assert.equal(
      (
        await api(
          r.url,
          'POST',
          '/destinations',
          admin,
          destinationBody({ id: 'hb-bewohnerparken', format: 'xdomea-3.0', channel: 'pull' }),
        )
      ).status,
      201,
    );
    assert.equal(
      (
        await api(r.url, 'POST', '/routes', admin, {
          leikaKey: LEIKA,
          ars: null,
          destinationId: 'hb-bewohnerparken',
        })
      ).status,
      201,
    );
  });

  after(async () => {
    await recorder?.stop();
    await r?.close();
  });

  it('alerts the contact after N days and fails the submission back after M days', async () => {
    const sent = await publishReady(r.topicPrefix);
    const alert = await eventually(async () => recorder.ofType(routingAlertV1, sent.submissionId)[0], {
      what: 'NOT_FETCHED alert',
    });
    assert.equal(alert.data.kind, 'NOT_FETCHED');
    assert.equal(alert.data.contact, 'fv-betrieb@bremen.example');
    const failed = await eventually(async () => recorder.ofType(routingFailedV1, sent.submissionId)[0], {
      what: 'NOT_FETCHED failure',
    });
    assert.equal(failed.data.code, 'NOT_FETCHED');
    assert.match(failed.data.reason.de, /nicht innerhalb von/);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(recorder.ofType(routingAlertV1, sent.submissionId).length, 1, 'alerted once');
    const token = await tokens.client('fv-bremen-parken');
    assert.equal((await api(r.url, 'GET', '/fachverfahren/messages', token)).text, '[]');
    assert.equal(
      (await api(r.url, 'POST', `/fachverfahren/messages/${alert.data.messageId}/accept`, token)).status,
      409,
    );
  });
});
