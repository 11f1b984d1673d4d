import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { routingAlertV1, routingDeliveredV1, routingRoutedV1, TOPICS } from '@amtsbote/contracts';
import { eventually, EventRecorder } from '@amtsbote/testing';
import { compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import {
  api,
  AttachmentServer,
  blaueKarte,
  destinationBody,
  type FachverfahrenSimulator,
  LEIKA,
  publishBlaueKarte,
  publishReady,
  type ReceivedMessage,
  type RoutingUnderTest,
  startRouting,
  startSimulator,
  tokens,
} from './harness';

const SECRET = 'a-shared-hmac-secret-of-the-test-fachverfahren-0123456789';
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

interface DeadLetter {
  messageId: string;
  reason: string;
  report: {
    summary: string;
    reports?: Array<{
      validator: string;
      schema: string;
      valid: boolean;
      issues: Array<{ message: string }>;
    }>;
  };
}

describe('message formats: built, validated before sending, checked again by the receiving Fachverfahren', () => {
  let r: RoutingUnderTest;
  let sim: FachverfahrenSimulator;
  let files: AttachmentServer;
  let recorder: EventRecorder;
  let admin: string;
  let privateKey: JWK;
  let publicKey: JWK;

  // One ARS region per destination, all for the BlaueKarte LeiKa key.
  const REGIONS = {
    'hb-xdomea': '04011',
    'hb-fimxml': '04012',
    'hb-fitconnect': '041',
    'hb-encrypted': '042',
  } as const;

  before(async () => {
    r = await startRouting('formats');
    sim = await startSimulator({ secret: SECRET });
    files = await AttachmentServer.start();
    recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    admin = await tokens.admin();
    const pair = await generateKeyPair('RSA-OAEP-256', { modulusLength: 4096, extractable: true });
    privateKey = await exportJWK(pair.privateKey);
    publicKey = { ...(await exportJWK(pair.publicKey)), kid: 'fv-enc-1', use: 'enc', alg: 'RSA-OAEP-256' };
    sim.setPrivateKey(privateKey);
    await publishBlaueKarte(r.topicPrefix);
    const formats = {
      'hb-xdomea': 'xdomea-3.0',
      'hb-fimxml': 'fim-xml',
      'hb-fitconnect': 'fit-connect-json',
      'hb-encrypted': 'fim-xml',
    } as const;
    for (const [id, format] of Object.entries(formats)) {
      const body = {
        ...destinationBody({ id, format, channel: 'http-push', endpointUrl: sim.inboxUrl }),
        secret: SECRET,
        ...(id === 'hb-encrypted' ? { publicKey } : {}),
      };
      assert.equal((await api(r.url, 'POST', '/destinations', admin, body)).status, 201);
      const route = await api(r.url, 'POST', '/routes', admin, {
        leikaKey: LEIKA,
        ars: REGIONS[id as keyof typeof REGIONS],
        destinationId: id,
      });
      assert.equal(route.status, 201);
    }
  });

  after(async () => {
    await recorder?.stop();
    await sim?.stop();
    await files?.close();
    await r?.close();
  });

  const attachments = () => [
    files.add('Arbeitsvertrag.pdf', 'application/pdf', Buffer.from('%PDF-1.4 Arbeitsvertrag '.repeat(200))),
    files.add(
      'Passfoto.jpg',
      'image/jpeg',
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 3000 }, (_, i) => i % 256)]),
    ),
  ];

  async function deliver(
    region: string,
    extra: Parameters<typeof publishReady>[1] = {},
  ): Promise<{ message: ReceivedMessage; submissionId: string }> {
    const sent = await publishReady(r.topicPrefix, {
      ars: `${region}${'0'.repeat(12 - region.length)}`,
      attachments: attachments(),
      ...extra,
    });
    const delivered = await eventually(
      async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0],
      { what: 'delivered', timeoutMs: 30000 },
    );
    const message = sim.received.get(delivered.data.messageId);
    assert.ok(message, 'the simulator has the message');
    return { message, submissionId: sent.submissionId };
  }

  async function validationCount(format: string): Promise<number> {
    const metrics = await r.metrics();
    const re = new RegExp(
      `amtsbote_routing_validation_seconds_count\\{format="${format}",schema="[^"]+"\\} (\\d+)`,
      'g',
    );
    return [...metrics.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  }

  it('xdomea 3.0: a Geschäftsgang ZIP with the message, the Antrag as FIM-XML and each attachment', async () => {
    const before = await validationCount('xdomea-3.0');
    const { message, submissionId } = await deliver(REGIONS['hb-xdomea']);
    assert.equal(message.validation.valid, true, message.validation.problems.join('\n'));
    assert.deepEqual(message.validation.checked, [
      'xdomea-3.0.0 (xmllint-wasm)',
      'fim-data:S00000121_1.0 (xmllint-wasm)',
    ]);
    assert.equal(
      (await validationCount('xdomea-3.0')) - before,
      2,
      'routing validated message and Antrag before sending (libxml2-wasm)',
    );
    const names = [...message.zipEntries!.keys()];
    assert.equal(names.length, 4);
    assert.ok(names.some((n) => n === `${message.messageId}_Geschaeftsgang.Geschaeftsgang.0201.xml`));
    assert.ok(names.some((n) => n.endsWith('_Arbeitsvertrag.pdf')));
    const pdf = [...message.zipEntries!.entries()].find(([n]) => n.endsWith('_Arbeitsvertrag.pdf'))![1];
    assert.equal(pdf.toString('latin1'), '%PDF-1.4 Arbeitsvertrag '.repeat(200));
    assert.match(
      message.xml!.message,
      new RegExp(`<xdomea:ID>${submissionId}</xdomea:ID>`),
      'the Vorgang is the submission',
    );
    assert.match(message.xml!.antrag!, /^<\?xml[^>]*>\n<S00000121 xmlns="urn:amtsbote:fim:S00000121_1\.0">/);
    assert.deepEqual(message.attachments, [], 'attachments travel inside the ZIP');
  });

  it('fim-xml: Basisnachricht G2G header with the message UUID, FIM data, attachments beside it', async () => {
    const before = await validationCount('fim-xml');
    const { message } = await deliver(REGIONS['hb-fimxml']);
    assert.equal(message.validation.valid, true, message.validation.problems.join('\n'));
    assert.deepEqual(message.validation.checked, ['fim-xml:S00000121_1.0 (xmllint-wasm)']);
    assert.equal((await validationCount('fim-xml')) - before, 1);
    assert.match(message.xml!.message, new RegExp(`<nachrichtenUUID>${message.messageId}</nachrichtenUUID>`));
    assert.match(
      message.xml!.message,
      /<leser>\s*<verzeichnisdienst listVersionID="2">\s*<code>DVDV<\/code>/,
    );
    assert.equal(message.attachments.length, 2);
    assert.equal(message.attachments[1].filename, 'Passfoto.jpg');
    assert.equal(message.envelope.attachments[1].sha512, sha512(message.attachments[1].content));
  });

  it('fit-connect-json: FIM JSON plus metadata with SHA-512 of data and attachments (JSON Schema)', async () => {
    const { message } = await deliver(REGIONS['hb-fitconnect'], {
      payment: {
        transactionId: 'tx-4711',
        transactionReference: 'KZ-2026-1',
        paymentMethod: 'CREDITCARD',
        status: 'BOOKED',
        grossAmount: 75,
      },
    });
    assert.equal(message.validation.valid, true, message.validation.problems.join('\n'));
    assert.deepEqual(message.validation.checked, ['fitconnect-metadata-2.1.0 (ajv)']);
    const metadata = message.metadata as {
      contentStructure: {
        data: { hash: { content: string } };
        attachments: Array<{ attachmentId: string; hash: { content: string } }>;
      };
      author: { product: { name: string } };
      dataSets: Array<{ content: { publicServiceType: { identifier: string } } }>;
      paymentInformation: { transactionId: string };
      replyChannel: { fink: { host: string } };
    };
    assert.equal(metadata.contentStructure.data.hash.content, sha512(message.payload));
    for (const a of message.attachments) {
      assert.equal(
        metadata.contentStructure.attachments.find((x) => x.attachmentId === a.attachmentId)!.hash.content,
        sha512(a.content),
      );
    }
    assert.equal(metadata.author.product.name, 'Amtsbote');
    assert.equal(
      metadata.dataSets[0].content.publicServiceType.identifier,
      `urn:de:fim:leika:leistung:${LEIKA}`,
    );
    assert.equal(metadata.paymentInformation.transactionId, 'tx-4711');
    assert.equal(metadata.replyChannel.fink.host, r.url);
    assert.equal(blaueKarte.validate(JSON.parse(message.payload.toString('utf8'))).valid, true);
  });

  it('encrypts payload and each attachment to the destination key (RSA-OAEP-256, A256GCM); only that key decrypts', async () => {
    const { message } = await deliver(REGIONS['hb-encrypted']);
    assert.equal(message.envelope.encrypted, true);
    const jwe = message.envelope.payload.content!;
    assert.equal(jwe.split('.').length, 5, 'JWE compact serialisation');
    const header = JSON.parse(Buffer.from(jwe.split('.')[0], 'base64url').toString('utf8')) as Record<
      string,
      string
    >;
    assert.deepEqual(
      [header.alg, header.enc, header.kid, header.cty],
      ['RSA-OAEP-256', 'A256GCM', 'fv-enc-1', 'application/xml'],
    );
    const right = await compactDecrypt(jwe, await importJWK(privateKey, 'RSA-OAEP-256'));
    assert.equal(sha512(Buffer.from(right.plaintext)), message.envelope.payload.sha512);
    for (const a of message.envelope.attachments) assert.equal(a.content!.split('.').length, 5);
    const other = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048 });
    await assert.rejects(() => compactDecrypt(jwe, other.privateKey));
    assert.equal(message.validation.valid, true, 'the decrypted message validates at the receiver');
  });

  it('fetches each attachment once from its owner and keeps its own copy', async () => {
    const refs = attachments();
    const sent = await publishReady(r.topicPrefix, {
      ars: `${REGIONS['hb-fimxml']}0000000`,
      attachments: refs,
    });
    await eventually(async () => recorder.ofType(routingDeliveredV1, sent.submissionId)[0], {
      what: 'delivered',
    });
    for (const ref of refs) assert.equal(files.fetches.get(ref.fileId), 1);
  });

  it('stops a message that does not validate before sending: dead letter with the validator report, contact alerted', async () => {
    const pushesBefore = sim.pushes;
    const broken = structuredClone(blaueKarte.sample()) as Record<string, Record<string, unknown>>;
    broken.G00000629.F00001016 = '2024-13-45';
    const cases: Array<[string, Parameters<typeof publishReady>[1], RegExp]> = [
      [REGIONS['hb-xdomea'], { data: broken }, /fim-data:S00000121_1\.0.*F00001016/s],
      [REGIONS['hb-fimxml'], { data: broken }, /fim-xml:S00000121_1\.0.*F00001016/s],
      [
        REGIONS['hb-fitconnect'],
        {
          payment: {
            transactionId: 'tx 4711!',
            transactionReference: 'KZ',
            paymentMethod: 'CREDITCARD',
            status: 'BOOKED',
            grossAmount: 5,
          },
        },
        /fitconnect-metadata-2\.1\.0.*transactionId/s,
      ],
    ];
    for (const [region, extra, expected] of cases) {
      const sent = await publishReady(r.topicPrefix, {
        ars: `${region}${'0'.repeat(12 - region.length)}`,
        ...extra,
      });
      const alert = await eventually(async () => recorder.ofType(routingAlertV1, sent.submissionId)[0], {
        what: 'alert',
      });
      assert.equal(alert.data.kind, 'DEAD_LETTER');
      assert.equal(alert.data.contact, 'fv-betrieb@bremen.example');
      assert.match(alert.data.detail, /^INVALID_MESSAGE/);
      const dead = await api<DeadLetter>(r.url, 'GET', `/dead-letters/${alert.data.messageId}`, admin);
      assert.equal(dead.status, 200);
      assert.equal(dead.body.reason, 'INVALID_MESSAGE');
      const report = dead.body.report.reports!.at(-1)!;
      assert.equal(report.valid, false);
      assert.match(`${report.schema} ${report.issues.map((i) => i.message).join(' ')}`, expected);
      assert.equal(recorder.ofType(routingRoutedV1, sent.submissionId).length, 0, 'never routed');
    }
    assert.equal(sim.pushes, pushesBefore, 'nothing invalid reached the Fachverfahren');
  });
});
