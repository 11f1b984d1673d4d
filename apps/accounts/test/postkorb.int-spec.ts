import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type EventContract,
  type EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentRequestedV1,
  paymentSettledV1,
  postkorbReplySentV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingRoutedV1,
  routingStatusV1,
  submissionReadyV1,
  submissionSubmittedV1,
  TOPICS,
} from '@amtsbote/contracts';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EventRecorder, eventually } from '@amtsbote/testing';
import { PostkorbMaintenance } from '../src/postkorb/postkorb.maintenance';
import {
  type AccountsUnderTest,
  authority,
  FileServer,
  keyOf,
  sha512,
  submitted,
  startAccounts,
} from './harness';

interface Summary {
  id: string;
  category: string;
  subject: string;
  subjectEn: string | null;
  submissionId: string | null;
  status: string | null;
  outcome: string | null;
  readAt: string | null;
  replyable: boolean;
  direction: string;
  attachmentCount: number;
  sender: { kind: string; name: string };
}
interface Message extends Summary {
  body: string;
  bodyEn: string | null;
  bodyHtml: string | null;
  attachments: Array<{ id: string; filename: string; state: string; sha512: string; size: number }>;
  inReplyTo: string | null;
  actedByKey: string | null;
}
interface Page {
  items: Summary[];
  nextCursor: string | null;
}
interface Timeline {
  status: string;
  outcome: string | null;
  vorgangsnummer: string;
  entries: Array<{ kind: string; status: string | null; messageId: string | null; title: { de: string } }>;
}

const ANNA = keyOf('anna');

void describe('Postkorb: projections, reading, attachments and replies', () => {
  let f: AccountsUnderTest;
  const files = new FileServer();
  let recorder: EventRecorder;
  /** Event id → how many Postkorb messages it must produce. */
  const expected = new Map<string, { kind: string; messages: number }>();

  const handled = (eventId: string) =>
    eventually(
      async () =>
        (await f.count(`SELECT count(*) AS n FROM accounts.inbox WHERE event_id = $1`, [eventId])) > 0
          ? true
          : undefined,
      { what: `event ${eventId} to be handled` },
    );

  /** Publishes an event twice with the same id (a redelivery) and waits until it was handled. */
  async function twice<C extends EventContract>(contract: C, data: EventPayload<C>, messages: 0 | 1) {
    const id = randomUUID();
    await f.publish(contract, data, id);
    await f.publish(contract, data, id);
    await handled(id);
    expected.set(id, { kind: contract.type, messages });
    return id;
  }

  const ref = (s: ReturnType<typeof submitted>) => ({
    submissionId: s.submissionId,
    vorgangsnummer: s.vorgangsnummer,
    tenant: 'hb',
  });
  const payment = (s: ReturnType<typeof submitted>) => ({
    submissionId: s.submissionId,
    tenant: 'hb',
    transactionId: randomUUID(),
  });
  const routingStatus = (s: ReturnType<typeof submitted>, status: string, message?: string) => ({
    ...ref(s),
    messageId: randomUUID(),
    authority,
    status: status as EventPayload<typeof routingStatusV1>['status'],
    message,
    at: new Date().toISOString(),
  });

  // The story of the main submission, filled by the first test.
  const s1 = submitted(ANNA);
  const bescheid = Buffer.from('%PDF-1.7 Bescheid über Ihren Bewohnerparkausweis');
  let replyIdOfAuthority = '';
  /** Submissions the first test ends otherwise than COMPLETED, and the status/outcome they must show. */
  const ended: Array<[string, string]> = [];

  before(async () => {
    await files.start();
    f = await startAccounts('postkorb', {
      ACCOUNTS_UPLOAD_MAX_BYTES: '100000',
      ACCOUNTS_PURGE_DELETED_AFTER_DAYS: '0',
    });
    recorder = await EventRecorder.start(f.topicPrefix, [TOPICS.postkorb]);
  });

  after(async () => {
    await recorder?.stop();
    await f?.close();
    await files.stop();
  });

  void it('turns every event kind into exactly one message, even when delivered twice', async () => {
    // A paid application all the way to its Bescheid.
    await twice(submissionSubmittedV1, s1, 1);
    const requested = (s: ReturnType<typeof submitted>) => ({
      ...payment(s),
      amountCents: 3050,
      currency: 'EUR' as const,
      purpose: 'Bewohnerparken',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await twice(paymentRequestedV1, requested(s1), 1);
    await twice(
      paymentSettledV1,
      {
        ...payment(s1),
        amountCents: 3050,
        provider: 'pmpayment',
        paidAt: new Date().toISOString(),
        paymentInformation: {
          transactionReference: 'ref-1',
          transactionId: 'tx-1',
          paymentMethod: 'CREDITCARD',
          status: 'BOOKED',
          grossAmount: 30.5,
        },
      },
      1,
    );
    const messageId = randomUUID();
    // The authority found: on the timeline, but the citizen status stays SUBMITTED, so no message.
    await twice(routingRoutedV1, { ...ref(s1), messageId, authority, format: 'xdomea', channel: 'push' }, 0);
    await twice(
      routingDeliveredV1,
      { ...ref(s1), messageId, authority, deliveredAt: new Date().toISOString() },
      1,
    );
    await twice(routingStatusV1, routingStatus(s1, 'RECEIVED'), 0); // same citizen status as delivered
    await twice(routingStatusV1, routingStatus(s1, 'PROCESSING'), 1);
    await twice(
      routingStatusV1,
      routingStatus(s1, 'ACTION_REQUIRED', 'Bitte reichen Sie eine Kopie Ihrer Meldebescheinigung nach.'),
      1,
    );
    const good = files.add('bescheid', bescheid);
    const bad = files.add('tampered', Buffer.from('not what was promised'));
    replyIdOfAuthority = randomUUID();
    await twice(
      routingReplyV1,
      {
        ...ref(s1),
        replyId: replyIdOfAuthority,
        authority,
        kind: 'BESCHEID',
        subject: 'Bescheid über Ihren Bewohnerparkausweis',
        body: '<p>Sehr geehrte Frau Schmidt,</p><p>Ihr Antrag wurde <strong>bewilligt</strong>.</p><script>alert(1)</script>',
        attachments: [
          {
            fileId: randomUUID(),
            filename: 'Bescheid Müller.pdf',
            mediaType: 'application/pdf',
            size: bescheid.length,
            sha512: sha512(bescheid),
            url: good,
            urlExpiresAt: new Date(Date.now() + 600_000).toISOString(),
          },
          {
            fileId: randomUUID(),
            filename: 'Anlage.pdf',
            mediaType: 'application/pdf',
            size: 21,
            sha512: sha512('the real content abc'),
            url: bad,
            urlExpiresAt: new Date(Date.now() + 1000).toISOString(),
          },
        ],
        at: new Date().toISOString(),
      },
      1,
    );
    await twice(routingStatusV1, routingStatus(s1, 'COMPLETED'), 1);

    // Waiting for payment, then ready: the forwarding is news.
    const s2 = submitted(ANNA);
    await twice(submissionSubmittedV1, s2, 1);
    await twice(paymentRequestedV1, requested(s2), 1);
    await twice(
      submissionReadyV1,
      {
        ...s2,
        fimSchema: { id: 'S1000', version: '1.0' },
        data: {},
        attachments: [],
      },
      1,
    );
    // Payment deadline passed.
    const s3 = submitted(ANNA);
    await twice(submissionSubmittedV1, s3, 1);
    await twice(paymentExpiredV1, payment(s3), 1);
    // A technical failure: final.
    const s4 = submitted(ANNA);
    await twice(submissionSubmittedV1, s4, 1);
    await twice(
      routingFailedV1,
      {
        ...ref(s4),
        code: 'UNDELIVERABLE',
        reason: { de: 'HTTP 503 vom Endpunkt', en: 'HTTP 503 from endpoint' },
        at: new Date().toISOString(),
      },
      1,
    );
    // The citizen cancelled the payment: final.
    const s5 = submitted(ANNA);
    await twice(submissionSubmittedV1, s5, 1);
    await twice(paymentFailedV1, { ...payment(s5), outcome: 'CANCELED' }, 1);
    ended.push(
      [s3.submissionId, 'COMPLETED/EXPIRED'],
      [s4.submissionId, 'COMPLETED/FAILED'],
      [s5.submissionId, 'COMPLETED/CANCELLED'],
    );

    await new Promise((r) => setTimeout(r, 500));
    for (const [id, e] of expected) {
      assert.equal(
        await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE source_event_id = $1`, [id]),
        e.messages,
        `${e.kind} (${id}) makes ${e.messages} message(s)`,
      );
      assert.equal(
        await f.count(`SELECT count(*) AS n FROM accounts.timeline_entries WHERE event_id = $1`, [id]),
        1,
        `${e.kind} (${id}) is on the timeline once`,
      );
    }
    const kinds = new Set([...expected.values()].filter((e) => e.messages === 1).map((e) => e.kind));
    // Every consumed kind but routing.routed (a timeline step of its own, the status stays SUBMITTED).
    assert.equal(kinds.size, 10, 'all ten consumed event kinds that speak produced a message');
    const total = [...expected.values()].reduce((n, e) => n + e.messages, 0);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE owner_key = $1`, [ANNA]),
      total,
    );
  });

  void it('words messages in plain German and English, technical failures included', async () => {
    const all = await f.call<Page>('anna', 'GET', '/postkorb/messages?limit=100');
    const failure = all.body.items.find((m) => m.subject.includes('Zustellung gescheitert'));
    assert.ok(failure);
    const full = await f.call<Message>('anna', 'GET', `/postkorb/messages/${failure.id}`);
    assert.match(full.body.body, /nicht erreichbar/);
    assert.match(full.body.body, /wenden Sie sich an die zuständige Behörde/);
    assert.doesNotMatch(full.body.body, /HTTP 503|UNDELIVERABLE/);
    assert.match(full.body.bodyEn ?? '', /contact the responsible authority/);
    assert.equal(full.body.sender.kind, 'service');

    const paymentMessage = all.body.items.find(
      (m) => m.category === 'payment' && m.subject.startsWith('Bitte bezahlen'),
    );
    assert.ok(paymentMessage);
    assert.match(paymentMessage.subject, /30,50\s€/);
    assert.match(paymentMessage.subjectEn ?? '', /€30\.50/);

    const notice = all.body.items.find((m) => m.category === 'notice');
    assert.ok(notice);
    const bescheidMessage = await f.call<Message>('anna', 'GET', `/postkorb/messages/${notice.id}`);
    assert.equal(bescheidMessage.body.sender.name, authority.name);
    assert.equal(bescheidMessage.body.replyable, true);
    assert.match(bescheidMessage.body.body, /Ihr Antrag wurde bewilligt\./);
    assert.doesNotMatch(bescheidMessage.body.bodyHtml ?? '', /script/);
    assert.match(bescheidMessage.body.bodyHtml ?? '', /<strong>bewilligt<\/strong>/);
  });

  void it('fetches authority attachments once, checks their hash, and streams them with RFC 6266 names', async () => {
    const notice = (await f.call<Page>('anna', 'GET', '/postkorb/messages?category=notice')).body.items[0];
    const message = await eventually(
      async () => {
        const m = await f.call<Message>('anna', 'GET', `/postkorb/messages/${notice.id}`);
        return m.body.attachments.every((a) => a.state !== 'pending') ? m.body : undefined;
      },
      { what: 'attachments to be fetched' },
    );
    const [pdf, tampered] = message.attachments;
    assert.equal(pdf.state, 'stored');
    assert.equal(tampered.state, 'failed', 'content that does not match its SHA-512 is not kept');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${f.svc.url}/postkorb/messages/${notice.id}/attachments/${pdf.id}`, {
        headers: { authorization: `Bearer ${await f.token('anna')}` },
      });
      assert.equal(res.status, 200);
      assert.equal(
        res.headers.get('content-disposition'),
        `attachment; filename="Bescheid Mueller.pdf"; filename*=UTF-8''Bescheid%20M%C3%BCller.pdf`,
      );
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bescheid);
    }
    assert.equal(files.hits.get('bescheid'), 1, 'fetched from the owner once, served from the own copy');
    const failed = await f.call('anna', 'GET', `/postkorb/messages/${notice.id}/attachments/${tampered.id}`);
    assert.equal(failed.status, 409);
  });

  void it('pages with a cursor and filters by unread, category and submission', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=4&cursor=${encodeURIComponent(cursor)}` : '?limit=4';
      const page: { body: Page } = await f.call<Page>('anna', 'GET', `/postkorb/messages${query}`);
      assert.ok(page.body.items.length <= 4);
      seen.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const total = await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE owner_key = $1`, [ANNA]);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total, 'no message twice across pages');

    const unread = await f.call<Page>('anna', 'GET', '/postkorb/messages?unread=true&limit=100');
    assert.ok(unread.body.items.every((m) => m.readAt === null));
    const count = await f.call<{ unread: number }>('anna', 'GET', '/postkorb/messages/unread-count');
    assert.equal(count.body.unread, unread.body.items.length);
    const payments = await f.call<Page>('anna', 'GET', '/postkorb/messages?category=payment&limit=100');
    assert.equal(payments.body.items.length, 5);
    assert.ok(payments.body.items.every((m) => m.category === 'payment'));
    const ofS1 = await f.call<Page>(
      'anna',
      'GET',
      `/postkorb/messages?submissionId=${s1.submissionId}&limit=100`,
    );
    assert.ok(
      ofS1.body.items.length >= 8 && ofS1.body.items.every((m) => m.submissionId === s1.submissionId),
    );
    assert.equal((await f.call('anna', 'GET', '/postkorb/messages?cursor=bogus')).status, 400);
    assert.equal((await f.call('anna', 'GET', '/postkorb/messages?category=spam')).status, 400);
  });

  void it('marks read on reading, unread on request, and deletes softly', async () => {
    const count = async () =>
      (await f.call<{ unread: number }>('anna', 'GET', '/postkorb/messages/unread-count')).body.unread;
    const target = (
      await f.call<Page>('anna', 'GET', '/postkorb/messages?unread=true&category=status&limit=1')
    ).body.items[0];
    const before = await count();
    const read = await f.call<Message>('anna', 'GET', `/postkorb/messages/${target.id}`);
    assert.ok(read.body.readAt);
    assert.equal(await count(), before - 1);
    assert.equal((await f.call('anna', 'POST', `/postkorb/messages/${target.id}/unread`)).status, 204);
    assert.equal(await count(), before);

    assert.equal((await f.call('anna', 'DELETE', `/postkorb/messages/${target.id}`)).status, 204);
    assert.equal((await f.call('anna', 'GET', `/postkorb/messages/${target.id}`)).status, 404);
    const all = await f.call<Page>('anna', 'GET', '/postkorb/messages?limit=100');
    assert.ok(!all.body.items.some((m) => m.id === target.id));
    assert.equal(await count(), before - 1);
    // Kept until purged, then gone for good.
    assert.equal(await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE id = $1`, [target.id]), 1);
  });

  void it('never lets another citizen read, mark, delete, download or answer a message (404)', async () => {
    const notice = (await f.call<Page>('anna', 'GET', '/postkorb/messages?category=notice')).body.items[0];
    const full = await f.call<Message>('anna', 'GET', `/postkorb/messages/${notice.id}`);
    await f.call('anna', 'POST', `/postkorb/messages/${notice.id}/unread`);
    const base = `/postkorb/messages/${notice.id}`;
    for (const [method, path, body] of [
      ['GET', base, undefined],
      ['POST', `${base}/unread`, undefined],
      ['DELETE', base, undefined],
      ['GET', `${base}/attachments/${full.body.attachments[0].id}`, undefined],
      ['POST', `${base}/replies`, { text: 'Ich bin nicht Anna' }],
      ['GET', `/postkorb/submissions/${s1.submissionId}/timeline`, undefined],
    ] as const) {
      const res = await f.call<{ code: string }>('ben', method, path, { body });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    // Acting "for" another person needs a mandate from them: none.
    assert.equal((await f.call('ben', 'GET', base, { actFor: ANNA })).status, 404);
    assert.equal((await f.call<Page>('ben', 'GET', '/postkorb/messages')).body.items.length, 0);
    const still = await f.call<Message>('anna', 'GET', base);
    assert.equal(still.status, 200);
    assert.equal(still.body.readAt !== null, true);
  });

  void it("answers an authority's message; the reply reaches the postkorb topic with fetchable attachments", async () => {
    const content = Buffer.from('%PDF-1.4 Meldebescheinigung');
    const upload = await fetch(
      `${f.svc.url}/postkorb/uploads?filename=${encodeURIComponent('Meldebescheinigung Müller.pdf')}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${await f.token('anna')}`, 'content-type': 'application/pdf' },
        body: content,
      },
    );
    assert.equal(upload.status, 201);
    const uploaded = (await upload.json()) as { id: string; sha512: string; size: number; filename: string };
    assert.equal(uploaded.sha512, sha512(content));
    assert.equal(uploaded.filename, 'Meldebescheinigung Müller.pdf');

    const notice = (await f.call<Page>('anna', 'GET', '/postkorb/messages?category=notice')).body.items[0];
    const sent = await f.call<Message>('anna', 'POST', `/postkorb/messages/${notice.id}/replies`, {
      body: { text: 'Anbei die Meldebescheinigung.', attachmentIds: [uploaded.id] },
    });
    assert.equal(sent.status, 201);
    assert.equal(sent.body.direction, 'out');
    assert.equal(sent.body.category, 'reply');
    assert.equal(sent.body.inReplyTo, notice.id);
    assert.equal(sent.body.attachments.length, 1);

    const event = await eventually(async () => recorder.ofType(postkorbReplySentV1, s1.submissionId)[0], {
      what: 'postkorbReplySentV1',
    });
    assert.equal(event.data.replyId, sent.body.id);
    assert.equal(event.data.fromKey, ANNA);
    assert.equal(event.data.actedByKey, undefined);
    assert.equal(event.data.inReplyTo, replyIdOfAuthority);
    assert.equal(event.data.vorgangsnummer, s1.vorgangsnummer);
    assert.equal(event.data.text, 'Anbei die Meldebescheinigung.');
    const [ref] = event.data.attachments;
    assert.equal(ref.sha512, sha512(content));
    assert.ok(new Date(ref.urlExpiresAt).getTime() > Date.now());
    const fetched = await fetch(ref.url);
    assert.equal(fetched.status, 200);
    assert.equal(sha512(Buffer.from(await fetched.arrayBuffer())), ref.sha512);
    const url = new URL(ref.url);
    url.searchParams.set('signature', '0'.repeat(64));
    assert.equal((await fetch(url)).status, 404, 'a tampered signature opens nothing');
    const later = new URL(ref.url);
    later.searchParams.set('expires', String(Number(later.searchParams.get('expires')) + 3600));
    assert.equal((await fetch(later)).status, 404, 'nor a prolonged one');

    // An upload belongs to one reply only.
    const again = await f.call('anna', 'POST', `/postkorb/messages/${notice.id}/replies`, {
      body: { text: 'Nochmal', attachmentIds: [uploaded.id] },
    });
    assert.equal(again.status, 422);
    // Only authority messages can be answered.
    const own = (await f.call<Page>('anna', 'GET', '/postkorb/messages?limit=100')).body.items.find(
      (m) => m.sender.kind === 'service',
    );
    assert.ok(own);
    assert.equal(
      (await f.call('anna', 'POST', `/postkorb/messages/${own.id}/replies`, { body: { text: 'x' } })).status,
      409,
    );
  });

  void it('refuses uploads of a disallowed type or size', async () => {
    const post = async (type: string, body: Buffer) =>
      fetch(`${f.svc.url}/postkorb/uploads?filename=x.bin`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await f.token('anna')}`, 'content-type': type },
        body,
      });
    assert.equal((await post('application/x-msdownload', Buffer.from('MZ'))).status, 415);
    assert.equal((await post('application/pdf', Buffer.alloc(100_001))).status, 413);
    // Without a Content-Length the limit applies while streaming.
    const chunked = await fetch(`${f.svc.url}/postkorb/uploads?filename=big.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await f.token('anna')}`, 'content-type': 'application/pdf' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('%PDF-1.7\n'));
          for (let i = 0; i < 30; i++) controller.enqueue(new Uint8Array(10_000));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    assert.equal(chunked.status, 413);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.files WHERE filename = 'big.pdf'`),
      0,
      'nothing of it is kept',
    );
    const text = await post('text/plain', Buffer.from('Grüße', 'utf8'));
    assert.equal(text.status, 201, 'text is stored as bytes, not decoded');
    assert.equal(((await text.json()) as { size: number }).size, 7);
  });

  void it('judges an upload by its bytes, not by the Content-Type the client declares', async () => {
    const post = async (type: string, body: Buffer, filename: string) =>
      fetch(`${f.svc.url}/postkorb/uploads?filename=${filename}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await f.token('anna')}`, 'content-type': type },
        body,
      });
    const exe = Buffer.concat([Buffer.from('MZ\u0090\u0000'), Buffer.alloc(8_000, 0)]);
    const refused = await post('application/pdf', exe, 'rechnung.pdf');
    assert.equal(refused.status, 415);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await refused.json()) as { code: string; details: { de: string; en: string } };
    assert.equal(problem.code, 'unsupported-media-type');
    assert.match(problem.details.de, /erkannt: application\/x-msdownload/);
    const latin1 = await post('text/plain', Buffer.from('Grüße', 'latin1'), 'brief.txt');
    assert.equal(latin1.status, 415, 'text/plain means UTF-8 text');
    const empty = await post('application/pdf', Buffer.alloc(0), 'leer.pdf');
    assert.equal(empty.status, 422);
    assert.equal(
      await f.count(
        `SELECT count(*) AS n FROM accounts.files WHERE filename IN ('rechnung.pdf', 'brief.txt', 'leer.pdf')`,
      ),
      0,
      'nothing of a refused upload is kept',
    );
    assert.deepEqual(await readdir(join(f.storageDir, 'tmp')), [], 'no half-written file is left behind');

    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const relabelled = await post('application/pdf', png, 'foto.pdf');
    assert.equal(relabelled.status, 201);
    const stored = (await relabelled.json()) as { mediaType: string };
    assert.equal(stored.mediaType, 'image/png', 'the stored type is what the bytes are');
  });

  void it('tells the whole story of a submission on its timeline', async () => {
    const t = await f.call<Timeline>('anna', 'GET', `/postkorb/submissions/${s1.submissionId}/timeline`);
    assert.equal(t.status, 200);
    assert.equal(t.body.vorgangsnummer, s1.vorgangsnummer);
    assert.equal(t.body.status, 'COMPLETED');
    assert.deepEqual(
      t.body.entries.map((e) => e.kind),
      [
        'submission.submitted',
        'payment.requested',
        'payment.settled',
        'routing.routed',
        'routing.delivered',
        'routing.status.RECEIVED',
        'routing.status.PROCESSING',
        'routing.status.ACTION_REQUIRED',
        'routing.reply.BESCHEID',
        'routing.status.COMPLETED',
      ],
    );
    const statuses = t.body.entries.map((e) => e.status).filter((s) => s !== null);
    assert.deepEqual(
      [...new Set(statuses)],
      ['SUBMITTED', 'ACTION_REQUIRED', 'RECEIVED', 'PROCESSING', 'COMPLETED'],
    );
    const list = await f.call<{
      items: Array<{ submissionId: string; status: string; outcome: string | null }>;
    }>('anna', 'GET', '/postkorb/submissions?limit=100');
    assert.equal(list.body.items.length, 5);
    const outcomes = new Map(list.body.items.map((s) => [s.submissionId, `${s.status}/${s.outcome}`]));
    assert.equal(outcomes.get(s1.submissionId), 'COMPLETED/null');
    // Failures, cancellations and deadlines end a submission with that outcome, told by the event itself.
    for (const [id, outcome] of ended) assert.equal(outcomes.get(id), outcome, id);
  });

  void it('refuses a contact address it could never confirm (no SMTP configured)', async () => {
    const res = await f.call<{ code: string }>('anna', 'PATCH', '/me', {
      body: { email: 'anna@example.org' },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'notifications-unavailable');
  });

  void it('purges deleted messages with their files', async () => {
    const notice = (await f.call<Page>('anna', 'GET', '/postkorb/messages?category=notice')).body.items[0];
    const full = await f.call<Message>('anna', 'GET', `/postkorb/messages/${notice.id}`);
    const stored = full.body.attachments.find((a) => a.state === 'stored');
    assert.ok(stored);
    const path = join(f.storageDir, stored.id.slice(0, 2), stored.id);
    assert.ok(existsSync(path));
    assert.equal((await f.call('anna', 'DELETE', `/postkorb/messages/${notice.id}`)).status, 204);
    assert.ok(existsSync(path), 'a soft delete keeps the file until the purge');
    await f.svc.app.get(PostkorbMaintenance).purge();
    assert.equal(await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE id = $1`, [notice.id]), 0);
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.files WHERE message_id = $1`, [notice.id]),
      0,
    );
    assert.equal(existsSync(path), false);
    const t = await f.call<Timeline>('anna', 'GET', `/postkorb/submissions/${s1.submissionId}/timeline`);
    const entry = t.body.entries.find((e) => e.kind === 'routing.reply.BESCHEID');
    assert.ok(entry, 'the story keeps the step');
    assert.equal(entry.messageId, null, 'but no longer points to the purged message');
  });

  void it('holds events that arrive before their submission, and drops anonymous ones', async () => {
    const early = submitted(ANNA);
    await twice(
      routingDeliveredV1,
      { ...ref(early), messageId: randomUUID(), authority, deliveredAt: new Date().toISOString() },
      1,
    );
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.messages WHERE submission_id = $1`, [
        early.submissionId,
      ]),
      0,
    );
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.pending_events WHERE submission_id = $1`, [
        early.submissionId,
      ]),
      1,
    );
    await twice(
      submissionSubmittedV1,
      { ...early, submittedAt: new Date(Date.now() - 60_000).toISOString() },
      1,
    );
    const t = await f.call<Timeline>('anna', 'GET', `/postkorb/submissions/${early.submissionId}/timeline`);
    assert.deepEqual(
      t.body.entries.map((e) => e.kind),
      ['submission.submitted', 'routing.delivered'],
    );
    assert.equal(t.body.status, 'RECEIVED');
    assert.equal(
      await f.count(`SELECT count(*) AS n FROM accounts.pending_events WHERE submission_id = $1`, [
        early.submissionId,
      ]),
      0,
    );

    const anonymous = submitted(null);
    await twice(submissionSubmittedV1, anonymous, 0);
    await twice(routingStatusV1, routingStatus(anonymous, 'ACTION_REQUIRED', 'Bitte melden Sie sich.'), 0);
    for (const table of ['messages', 'timeline_entries', 'pending_events']) {
      assert.equal(
        await f.count(`SELECT count(*) AS n FROM accounts.${table} WHERE submission_id = $1`, [
          anonymous.submissionId,
        ]),
        0,
        `${table} of an anonymous submission`,
      );
    }
  });
});
