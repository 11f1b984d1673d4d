import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { routingReplyV1, routingStatusV1 } from '@amtsbote/contracts';
import { eventually, FIT_CONNECT_EVENT } from '@amtsbote/testing';
import { fitConnectMetadataSchema } from '@amtsbote/xoev';
import { FitConnectBed } from './fit-connect-bed';
import { SCHEMA_DIR } from './harness';

/** A reply key pair as the Secret holds it (private JWK) and the public half a sender names. */
function replyKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
  return {
    private: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RSA-OAEP-256' },
    public: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RSA-OAEP-256', key_ops: ['wrapKey'] },
  };
}

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

describe('fit-connect replies: the Fachverfahren answers on the case, the Bescheid reaches the reply event', () => {
  let bed: FitConnectBed;
  const current = replyKey('reply-2026-12');
  const previous = replyKey('reply-2026-06');
  const bescheid = Buffer.from('%PDF-1.7 Bescheid über die Blaue Karte EU');

  before(async () => {
    bed = await FitConnectBed.start('fit_connect_replies', (dir) => {
      const file = join(dir, 'reply-keys.json');
      writeFileSync(file, JSON.stringify({ keys: [current.private, previous.private] }));
      return { ROUTING_FITCONNECT_REPLY_KEYS_FILE: file, ROUTING_FITCONNECT_REPLY_POLL_MS: '200' };
    });
  });

  after(() => bed?.close());

  it('offers the current reply key; accept, then a Bescheid with attachment → one reply event, confirmed', async () => {
    const { sub, publish } = await bed.fachverfahren('hb-fc-reply', {
      replyTo: () => ({
        kind: 'BESCHEID',
        subject: 'Bescheid über Ihren Antrag auf die Blaue Karte EU',
        body: 'Ihrem Antrag wird stattgegeben.',
        attachments: [{ filename: 'bescheid.pdf', mediaType: 'application/pdf', content: bescheid }],
      }),
    });
    const sent = await publish();
    const reply = await eventually(async () => bed.recorder.ofType(routingReplyV1, sent.submissionId)[0], {
      what: 'reply event',
    });
    assert.equal(reply.data.kind, 'BESCHEID');
    assert.equal(reply.data.subject, 'Bescheid über Ihren Antrag auf die Blaue Karte EU');
    assert.equal(reply.data.body, 'Ihrem Antrag wird stattgegeben.');
    assert.deepEqual(
      reply.data.attachments.map((a) => [a.filename, a.mediaType, a.size, a.sha512]),
      [['bescheid.pdf', 'application/pdf', bescheid.length, sha512(bescheid)]],
    );
    const file = await fetch(reply.data.attachments[0].url);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), bescheid, 'the signed URL serves the Bescheid');
    assert.equal(bed.recorder.ofType(routingStatusV1, sent.submissionId)[0]?.data.status, 'RECEIVED');

    const [remote] = bed.submissionsTo(sub);
    const metadata = sub.received.get(remote.submissionId)!.metadata;
    assert.deepEqual(
      (metadata.replyChannel as { fitConnect: { encryptionPublicKey: unknown } }).fitConnect
        .encryptionPublicKey,
      {
        kty: 'RSA',
        kid: current.public.kid,
        alg: 'RSA-OAEP-256',
        key_ops: ['wrapKey'],
        n: current.public.n,
        e: 'AQAB',
      },
    );
    const report = fitConnectMetadataSchema(SCHEMA_DIR, '2.1.0').validate(metadata);
    assert.equal(report.valid, true, JSON.stringify(report.issues));

    const [stored] = [...bed.zd.replyDesk.replies.values()].filter((x) => x.caseId === remote.caseId);
    await eventually(async () => stored.accepted || undefined, { what: 'reply confirmed' });
    assert.ok(
      bed.zd.events.get(remote.caseId)!.length >= 5,
      'create, submit, accept, submit-reply, accept-reply',
    );
    // More polls of the case take nothing twice.
    const reads = () => bed.zd.requests.filter((q) => q.path === `/v2/cases/${remote.caseId}/events`).length;
    const seen = reads();
    await eventually(async () => (reads() >= seen + 2 ? true : undefined), { what: 'two more polls' });
    assert.equal(bed.recorder.ofType(routingReplyV1, sent.submissionId).length, 1);
    assert.deepEqual(bed.zd.violations, [], 'every request matches the API description');
  });

  it('rotation: a reply encrypted to the previous key is taken; one to a key routing does not hold is not', async () => {
    const { sub, publish } = await bed.fachverfahren('hb-fc-reply-rotation');
    const sent = await publish();
    await eventually(async () => bed.recorder.ofType(routingStatusV1, sent.submissionId)[0], {
      what: 'RECEIVED',
    });
    const [remote] = bed.submissionsTo(sub);
    const received = sub.received.get(remote.submissionId)!;
    const channel = (received.metadata.replyChannel as { fitConnect: { encryptionPublicKey: unknown } })
      .fitConnect;
    channel.encryptionPublicKey = replyKey('reply-unknown').public;
    const foreignId = await sub.reply(remote.submissionId, { kind: 'MESSAGE', subject: 'Fremd', body: 'x' });
    channel.encryptionPublicKey = previous.public;
    await sub.reply(remote.submissionId, { kind: 'MESSAGE', subject: 'Nachforderung', body: 'Bitte …' });
    const reply = await eventually(async () => bed.recorder.ofType(routingReplyV1, sent.submissionId)[0], {
      what: 'reply event',
    });
    assert.equal(reply.data.subject, 'Nachforderung');
    assert.equal(bed.recorder.ofType(routingReplyV1, sent.submissionId).length, 1);
    assert.notEqual(reply.data.replyId, foreignId);
    assert.equal(
      bed.zd.replyDesk.replies.get(foreignId)!.accepted,
      undefined,
      'the unreadable reply is not confirmed',
    );
    const log = bed.zd.events.get(remote.caseId)!;
    const types = log.map(
      (set) =>
        Object.keys(
          (JSON.parse(Buffer.from(set.split('.')[1], 'base64url').toString()) as { events: object }).events,
        )[0],
    );
    assert.equal(types.filter((t) => t === FIT_CONNECT_EVENT.acceptReply).length, 1);
  });
});
