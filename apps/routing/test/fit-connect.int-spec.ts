import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { routingAlertV1, routingDeliveredV1, routingFailedV1, routingStatusV1 } from '@amtsbote/contracts';
import {
  eventually,
  type EventRecorder,
  type FitConnectSubscriber,
  signSet,
  FIT_CONNECT_EVENT,
  nimbusCrossCheck,
  TestCa,
  type ZustelldienstSimulator,
} from '@amtsbote/testing';
import { fitConnectMetadataSchema } from '@amtsbote/xoev';
import { type FachverfahrenOptions, FitConnectBed } from './fit-connect-bed';
import { api, type AttachmentServer, LEIKA, type RoutingUnderTest, SCHEMA_DIR } from './harness';

interface MessageView {
  messageId: string;
  state: string;
  attempts: number;
}

const METADATA = {
  '2.1.0': fitConnectMetadataSchema(SCHEMA_DIR, '2.1.0'),
  '1.0.0': fitConnectMetadataSchema(SCHEMA_DIR, '1.0.0'),
};

describe('fit-connect channel: Submission API v2 against the Zustelldienst simulator', () => {
  let bed: FitConnectBed;
  let r: RoutingUnderTest;
  let zd: ZustelldienstSimulator;
  let recorder: EventRecorder;
  let files: AttachmentServer;
  let admin: string;
  let subscribers: FitConnectSubscriber[];

  before(async () => {
    bed = await FitConnectBed.start('fit_connect');
    ({ r, zd, recorder, files, admin, subscribers } = bed);
  });

  after(() => bed?.close());

  const fachverfahren = (id: string, o?: FachverfahrenOptions) => bed.fachverfahren(id, o);
  const submissionsTo = (sub: FitConnectSubscriber) => bed.submissionsTo(sub);
  const messageOf = async (submissionId: string) =>
    (await api<MessageView[]>(r.url, 'GET', `/messages?submissionId=${submissionId}`, admin)).body[0];

  it('delivers: destination and key checked, JWE with cty, metadata 2.1.0 valid, accept-submission → RECEIVED', async () => {
    const { sub, publish } = await fachverfahren('hb-fc-accept');
    const pdf = Buffer.from('%PDF-1.7 Nachweis der Qualifikation');
    const sent = await publish({ attachments: [files.add('qualifikation.pdf', 'application/pdf', pdf)] });
    const second = await publish();
    for (const s of [sent, second]) {
      const status = await eventually(async () => recorder.ofType(routingStatusV1, s.submissionId)[0], {
        what: 'RECEIVED',
      });
      assert.equal(status.data.status, 'RECEIVED');
    }
    assert.equal(recorder.ofType(routingDeliveredV1, sent.submissionId).length, 1);
    const [remote] = submissionsTo(sub).filter((s) => s.announcedAttachments.length === 1);
    const received = sub.received.get(remote.submissionId)!;
    assert.equal(received.decision, 'accept', received.problems.join('\n'));
    assert.equal(received.metadataVersion, '2.1.0');
    const report = METADATA['2.1.0'].validate(received.metadata);
    assert.equal(
      report.valid,
      true,
      `metadata against metadata.schema.v2.1.0.json: ${JSON.stringify(report.issues)}`,
    );
    assert.deepEqual(received.data, sent.data);
    assert.deepEqual([...received.attachments.values()], [pdf]);
    assert.equal(remote.publicService.identifier, `urn:de:fim:leika:leistung:${LEIKA}`);
    assert.deepEqual(zd.violations, [], 'every request matches the API description');
    const flow = zd.requests
      .filter((q) => q.clientId === 'amtsbote-sender' && q.path.includes(remote.submissionId))
      .map(
        (q) =>
          `${q.method} ${q.path.replace(remote.submissionId, '{id}').replace(/attachments\/[^/]+/, 'attachments/{a}')} ${q.status}`,
      );
    assert.deepEqual(flow, ['PUT /v2/submissions/{id}/attachments/{a} 204', 'PUT /v2/submissions/{id} 200']);
    assert.equal(submissionsTo(sub).length, 2, 'one remote submission per message');
  });

  it('a second JOSE implementation agrees: nimbus-jose-jwt decrypts what the channel encrypted and verifies the SETs', async () => {
    const sub = subscribers[0];
    const [remote] = submissionsTo(sub).filter((x) => x.announcedAttachments.length === 1);
    const received = sub.received.get(remote.submissionId)!;
    const jwes = [remote.encryptedMetadata!, remote.encryptedData!, ...remote.attachments.values()];
    const destinationKeys = [...zd.destinations.get(sub.destinationId)!.keys.values()];
    const log = zd.events.get(remote.caseId)!;
    const forged = await signSet(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      zd.signingJwk.kid!,
      {
        iss: zd.url,
        submissionId: remote.submissionId,
        caseId: remote.caseId,
        event: FIT_CONNECT_EVENT.submit,
      },
    );
    const { decrypted, verified } = await nimbusCrossCheck({
      decrypt: jwes.map((jwe) => ({ key: sub.encryptionPrivateJwk, jwe })),
      verify: [...log, forged].map((jws) => ({ jwks: { keys: [zd.signingJwk, ...destinationKeys] }, jws })),
    });
    assert.deepEqual(
      decrypted.map((d) => [d.alg, d.enc, d.cty]),
      [
        ['RSA-OAEP-256', 'A256GCM', 'application/json'],
        ['RSA-OAEP-256', 'A256GCM', 'application/json'],
        ['RSA-OAEP-256', 'A256GCM', 'application/pdf'],
      ],
    );
    assert.deepEqual(JSON.parse(decrypted[0].plaintext.toString('utf8')), received.metadata);
    assert.deepEqual(JSON.parse(decrypted[1].plaintext.toString('utf8')), received.data);
    assert.deepEqual(decrypted[2].plaintext, [...received.attachments.values()][0]);
    assert.equal(log.length, 3, 'create, submit (Zustelldienst) and accept (destination)');
    assert.deepEqual(
      verified.map((v) => [v.alg, v.typ, v.valid]),
      [...log.map(() => ['PS512', 'secevent+jwt', true]), ['PS512', 'secevent+jwt', false]],
    );
  });

  it('caches the token: every message so far, one token request of the sender', () => {
    const sender = zd.requests.filter((q) => q.path === '/token' && q.clientId === 'amtsbote-sender');
    assert.equal(sender.length, 1);
  });

  it('writes metadata 1.0.0 for a destination that asks for it', async () => {
    const { sub, publish } = await fachverfahren('hb-fc-v1', { metadataVersion: '1.0.0' });
    const sent = await publish();
    await eventually(async () => recorder.ofType(routingStatusV1, sent.submissionId)[0], {
      what: 'RECEIVED',
    });
    const [remote] = submissionsTo(sub);
    const received = sub.received.get(remote.submissionId)!;
    assert.equal(received.metadataVersion, '1.0.0');
    const report = METADATA['1.0.0'].validate(received.metadata);
    assert.equal(report.valid, true, JSON.stringify(report.issues));
  });

  it('a BundID citizen: DeutschlandID mailbox, application id and consent in 2.1.0; none of them in 1.0.0', async () => {
    const idBundDe = {
      mailboxUuid: '5c0e8f2a-7b1d-4e3f-9a6c-2d4b8e1f0a97',
      applicationId: 'e4d3c2b1-a098-4f76-8e54-3c2b1a0f9e8d',
    };
    const v2 = await fachverfahren('hb-fc-bundid');
    const v1 = await fachverfahren('hb-fc-bundid-v1', { metadataVersion: '1.0.0' });
    const refused = await v2.publish({ idBundDe, digitalBescheidConsent: false });
    const consented = await v2.publish({ idBundDe, digitalBescheidConsent: true });
    const old = await v1.publish({ idBundDe, digitalBescheidConsent: true });
    const metadataOf = async (sub: FitConnectSubscriber, vorgangsnummer: string) => {
      await eventually(
        async () =>
          [...sub.received.values()].some((x) => JSON.stringify(x.metadata).includes(vorgangsnummer)) ||
          undefined,
        { what: `${vorgangsnummer} at the Fachverfahren` },
      );
      const received = [...sub.received.values()].filter((x) =>
        JSON.stringify(x.metadata).includes(vorgangsnummer),
      );
      assert.equal(received.length, 1);
      assert.equal(received[0].decision, 'accept', received[0].problems.join('\n'));
      return received[0].metadata as {
        replyChannel?: Record<string, unknown>;
        additionalReferenceInfo?: Record<string, unknown>;
      };
    };
    for (const [sent, consent] of [
      [refused, false],
      [consented, true],
    ] as const) {
      // What the simulated Fachverfahren decrypted, valid against the official 2.1.0 schema.
      const metadata = await metadataOf(v2.sub, sent.vorgangsnummer);
      const report = METADATA['2.1.0'].validate(metadata);
      assert.equal(report.valid, true, JSON.stringify(report.issues));
      assert.deepEqual(metadata.replyChannel, { idBundDeMailbox: { mailboxUuid: idBundDe.mailboxUuid } });
      assert.equal(metadata.additionalReferenceInfo?.idBundDeApplicationId, idBundDe.applicationId);
      assert.equal(metadata.additionalReferenceInfo?.zustimmungZumDigitalenBescheid, consent);
    }
    const metadata = await metadataOf(v1.sub, old.vorgangsnummer);
    const report = METADATA['1.0.0'].validate(metadata);
    assert.equal(report.valid, true, JSON.stringify(report.issues));
    assert.deepEqual(Object.keys(metadata.replyChannel ?? {}), ['fink']);
    assert.deepEqual(Object.keys(metadata.additionalReferenceInfo ?? {}).sort(), [
      'applicationDate',
      'senderReference',
    ]);
  });

  it('reject-submission with its problems → REJECTED for the citizen', async () => {
    const { publish } = await fachverfahren('hb-fc-reject', { decide: 'reject' });
    const sent = await publish();
    const failed = await eventually(async () => recorder.ofType(routingFailedV1, sent.submissionId)[0], {
      what: 'REJECTED',
    });
    assert.equal(failed.data.code, 'REJECTED');
    assert.match(failed.data.reason.de, /Antrag abgelehnt/);
    assert.equal(recorder.ofType(routingStatusV1, sent.submissionId).length, 0);
  });

  it('a key whose chain does not reach a trust anchor: refused, dead letter, operator alert, nothing sent', async () => {
    const { sub, publish } = await fachverfahren('hb-fc-foreign-ca', {
      ca: TestCa.create('Foreign Root CA'),
    });
    const sent = await publish();
    const alert = await eventually(
      async () => recorder.ofType(routingAlertV1).find((a) => a.data.destinationId === 'hb-fc-foreign-ca'),
      { what: 'alert' },
    );
    assert.equal(alert.data.kind, 'DEAD_LETTER');
    const dead = (
      await api<{ reason: string; report: { summary: string } }>(
        r.url,
        'GET',
        `/dead-letters/${alert.data.messageId}`,
        admin,
      )
    ).body;
    assert.equal(dead.reason, 'REFUSED_BY_RECEIVER');
    assert.match(dead.report.summary, /does not end at a configured trust anchor/);
    assert.equal(submissionsTo(sub).length, 0, 'no submission was created');
    assert.equal(recorder.ofType(routingFailedV1, sent.submissionId).length, 0, 'the citizen is not blamed');
  });

  it('Zustelldienst outage: retries, then delivered exactly once, even when the finalising PUT failed', async () => {
    const { sub, publish } = await fachverfahren('hb-fc-outage');
    zd.failNext(2, 503);
    const first = await publish();
    await eventually(async () => recorder.ofType(routingStatusV1, first.submissionId)[0], {
      what: 'RECEIVED',
    });
    zd.failNext(2, 503, { method: 'PUT', path: /^\/v2\/submissions\/[^/]+$/ });
    const second = await publish();
    await eventually(async () => recorder.ofType(routingStatusV1, second.submissionId)[0], {
      what: 'RECEIVED',
    });
    const m = await messageOf(second.submissionId);
    assert.ok(m.attempts >= 3, `retried (${m.attempts} attempts)`);
    assert.equal(submissionsTo(sub).length, 2, 'one remote submission per message, none twice');
    assert.equal(sub.received.size, 2);
    assert.deepEqual(zd.violations, []);
  });

  it('forged SETs are ignored: a foreign key, a wrong issuer, another case; the real decision counts', async () => {
    const { sub, publish } = await fachverfahren('hb-fc-forged', { decide: 'reject', autostart: false });
    const sent = await publish();
    await eventually(async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0], {
      what: 'delivered',
    });
    const [remote] = submissionsTo(sub);
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const kid = [...zd.destinations.get(sub.destinationId)!.keys.keys()].find((k) => k.startsWith('sig-'))!;
    const claims = {
      submissionId: remote.submissionId,
      caseId: remote.caseId,
      event: FIT_CONNECT_EVENT.accept,
    };
    zd.appendEvent(remote.caseId, await signSet(forger, kid, { ...claims, iss: sub.destinationId }));
    zd.appendEvent(remote.caseId, await signSet(forger, zd.signingJwk.kid!, { ...claims, iss: zd.url }));
    zd.appendEvent(
      remote.caseId,
      await signSet(forger, kid, { ...claims, caseId: randomUUID(), iss: sub.destinationId }),
    );
    // Several follow-up rounds read the forged events …
    const reads = () => zd.requests.filter((q) => q.path === `/v2/cases/${remote.caseId}/events`).length;
    const before = reads();
    await eventually(async () => (reads() >= before + 3 ? true : undefined), { what: 'three more reads' });
    assert.equal(
      recorder.ofType(routingStatusV1, sent.submissionId).length,
      0,
      'no RECEIVED from a forged accept',
    );
    assert.equal((await messageOf(sent.submissionId)).state, 'DELIVERED');
    // … and the destination's own, signed rejection decides.
    await sub.processOnce();
    const failed = await eventually(async () => recorder.ofType(routingFailedV1, sent.submissionId)[0], {
      what: 'REJECTED',
    });
    assert.equal(failed.data.code, 'REJECTED');
  });
});
