import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { mandateGrantedV1, submissionSubmittedV1, TOPICS } from '@amtsbote/contracts';
import { compileValidator, parseSchema } from '@amtsbote/fim';
import { EventRecorder, eventually, publishTestEvent } from '@amtsbote/testing';
import { findAttachmentRefs } from '../src/submissions/attachment-refs';
import { canonicalJson, sha512Hex } from '../src/common/canonical-json';
import type { DraftDto } from '../src/drafts/drafts.dto';
import type { SubmissionAcceptedDto, SubmissionDto } from '../src/submissions/submissions.dto';
import { demoData } from './fixtures/demo-schema';
import {
  accountKey,
  call,
  type IntakeUnderTest,
  LEIKA,
  pdfBytes,
  seedCatalog,
  sharedFixture,
  startIntake,
  TENANT,
  upload,
} from './harness';

const BK_LEIKA = '99010003001000';
const ANON_LEIKA = '99050012104001';
const TEXT_LEIKA = '99050012104003';

/** Sets (or with `undefined` deletes) the value at a JSON Pointer. */
function put(data: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = pointer.split('/').slice(1);
  const last = keys.pop()!;
  let node = data;
  for (const k of keys) node = node[k] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function submission(data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { tenant: TENANT, leikaKey: LEIKA, ars: '040110000000', data, ...extra };
}

describe('intake submissions', () => {
  let intake: IntakeUnderTest;
  let base: string;
  let recorder: EventRecorder;
  const accepted = new Set<string>();
  const blaueKarte = sharedFixture('fim-xdf2', 'BlaueKarte.xml');

  async function submit(
    body: unknown,
    o: { as?: string; key?: string; headers?: Record<string, string> } = {},
  ) {
    const answer = await call<SubmissionAcceptedDto>(base, 'POST', '/submissions', {
      as: o.as,
      body,
      headers: { 'idempotency-key': o.key ?? randomUUID(), ...o.headers },
    });
    if (answer.status === 201) accepted.add(answer.body.submissionId);
    return answer;
  }

  before(async () => {
    intake = await startIntake('submissions');
    base = intake.url;
    recorder = await EventRecorder.start(intake.topicPrefix, [TOPICS.submission]);
    await seedCatalog(base);
    await seedCatalog(base, { anonymousAllowed: true, minTrustLevel: 0 }, ANON_LEIKA);
    await seedCatalog(
      base,
      {
        attachments: {
          maxCount: 3,
          maxFileBytes: 64 * 1024,
          maxTotalBytes: 100 * 1024,
          mediaTypes: ['application/pdf', 'text/plain'],
        },
      },
      TEXT_LEIKA,
    );
    assert.equal(
      (await call(base, 'POST', '/admin/fim-schemas', { as: 'hb-catalog-admin', raw: blaueKarte })).status,
      201,
    );
    const bk = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${BK_LEIKA}`, {
      as: 'hb-catalog-admin',
      body: {
        names: { de: 'Blaue Karte EU beantragen' },
        fimSchema: { id: 'S00000121', version: '1.0' },
        minTrustLevel: 3,
        regions: ['04'],
        attachments: {
          maxCount: 10,
          maxFileBytes: 64 * 1024,
          maxTotalBytes: 640 * 1024,
          mediaTypes: ['application/pdf'],
        },
      },
    });
    assert.equal(bk.status, 200);
  });

  after(async () => {
    await recorder.stop();
    await intake.close();
  });

  it('accepts valid data: Vorgangsnummer, receipt with the data hash, state SUBMITTED, events', async () => {
    const data = demoData();
    const res = await submit(submission(data), { as: 'anna' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const year = new Date().getFullYear();
    assert.match(res.body.vorgangsnummer, new RegExp(`^HB-${year}-\\d{6}$`));
    assert.equal(res.body.status, 'SUBMITTED');
    assert.equal(res.body.receiptToken, undefined);
    const receipt = res.body.receipt;
    assert.equal(receipt.vorgangsnummer, res.body.vorgangsnummer);
    assert.equal(receipt.dataSha512, sha512Hex(canonicalJson(data)));
    assert.deepEqual(receipt.leistung, { leikaKey: LEIKA, name: 'Bewohnerparkausweis beantragen' });
    assert.deepEqual(receipt.fimSchema, { id: 'S60000000200', version: '1.0.0' });
    assert.equal(res.headers.get('location'), `/submissions/${res.body.submissionId}/status`);

    const status = await call<SubmissionDto>(base, 'GET', `/submissions/${res.body.submissionId}/status`, {
      as: 'anna',
    });
    assert.equal(status.status, 200);
    assert.equal(status.body.status, 'SUBMITTED');
    assert.deepEqual(
      status.body.timeline.map((t) => t.status),
      ['SUBMITTED'],
    );
    assert.deepEqual(status.body.receipt, receipt);

    const [event] = await eventually(async () => {
      const e = recorder.ofType(submissionSubmittedV1, res.body.submissionId);
      return e.length > 0 ? e : undefined;
    });
    assert.equal(event.tenant, TENANT);
    assert.deepEqual(
      { ...event.data, submittedAt: undefined },
      {
        submissionId: res.body.submissionId,
        vorgangsnummer: res.body.vorgangsnummer,
        tenant: TENANT,
        leikaKey: LEIKA,
        leistungName: 'Bewohnerparkausweis beantragen',
        ars: '040110000000',
        applicant: { ownerKey: accountKey('anna'), kind: 'person', trustLevel: 3 },
        submittedAt: undefined,
        dataSha512: receipt.dataSha512,
      },
    );

    const second = await submit(submission(demoData()), { as: 'clara' });
    const n1 = Number(res.body.vorgangsnummer.split('-')[2]);
    const n2 = Number(second.body.vorgangsnummer.split('-')[2]);
    assert.equal(n2, n1 + 1);
  });

  it('answers the same Idempotency-Key with the same answer, and refuses it for another body', async () => {
    const key = randomUUID();
    const body = submission(demoData());
    const first = await submit(body, { as: 'anna', key });
    assert.equal(first.status, 201);
    const again = await submit(body, { as: 'anna', key });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');

    const other = await submit(submission(demoData({ F60000000240: 6 })), { as: 'anna', key });
    assert.equal(other.status, 422);
    assert.equal(other.body.code, 'idempotency-key-reused');

    // Keys are per caller: Clara's use of the same key is her own submission.
    const clara = await submit(body, { as: 'clara', key });
    assert.equal(clara.status, 201);
    assert.notEqual(clara.body.submissionId, first.body.submissionId);

    const missing = await call(base, 'POST', '/submissions', { as: 'anna', body });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 'idempotency-key-required');
  });

  it('gives concurrent identical requests one submission and the same answer', async () => {
    const key = randomUUID();
    const body = submission(demoData({ F60000000240: 3 }));
    const before = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.submissions`);
    const answers = await Promise.all(Array.from({ length: 6 }, () => submit(body, { as: 'anna', key })));
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201, 201, 201, 201],
    );
    const ids = new Set(answers.map((a) => a.body.submissionId));
    assert.equal(ids.size, 1);
    assert.ok(answers.every((a) => JSON.stringify(a.body) === JSON.stringify(answers[0].body)));
    // One request did the work, the others waited for it and replayed its answer.
    assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === null).length, 1);
    const afterCount = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.submissions`);
    assert.equal(afterCount[0].n, before[0].n + 1);
  });

  it('refuses a caller below the trust level, and a region the Leistung is not offered in', async () => {
    const ben = await submit(submission(demoData()), { as: 'ben' });
    assert.equal(ben.status, 403);
    assert.equal(ben.body.code, 'insufficient-trust-level');
    assert.equal(ben.body.requiredTrustLevel, 3);
    assert.equal(ben.body.trustLevel, 1);
    assert.equal((await submit(submission(demoData()))).status, 401);

    for (const ars of ['059130000000', '04', '040120000000']) {
      const res = await submit(submission(demoData(), { ars }), { as: 'anna' });
      assert.equal(res.status, 422, ars);
      assert.equal(res.body.code, 'region-not-offered');
      assert.deepEqual(
        res.body.errors.map((e) => [e.path, e.code]),
        [['/ars', 'region-not-offered']],
      );
    }
    assert.equal(
      (await submit(submission(demoData(), { leikaKey: '99999999999999' }), { as: 'anna' })).status,
      404,
    );
  });

  it('reports every FIM error of BlaueKarte at once, with JSON Pointer paths, FIM ids and both languages', async () => {
    const validator = compileValidator(parseSchema(blaueKarte));
    const data = validator.sample(true);
    put(data, '/G00000630/F00000013', undefined); // required
    put(data, '/G00000630/F00000067', 'x'.repeat(81)); // max_length
    put(data, '/G00000630/F00000014', ''); // min_length
    put(data, '/G00000630/F00000065', 'nicht-im-katalog'); // code
    put(data, '/G00000630/F00001017', 'zweiundvierzig'); // type
    put(data, '/G00000630/F00001019', { id: 'falsch' }); // attachment reference without attachmentId
    put(data, '/G00000629/F00001016', '31.12.2024'); // format
    put(data, '/G00000642/F00000728', 10.555); // currency
    put(data, '/G00000633/G00000632/G00000587/G00000046/G00000245/F00000087', ['nur eine Zeile']); // min_items
    put(data, '/G00000642/G00000132/G00000046/G00000245/F00000087', ['1', '2', '3', '4', '5', '6']); // max_items
    put(data, '/Unbekannt', true); // unknown_property
    const res = await submit(
      { tenant: TENANT, leikaKey: BK_LEIKA, ars: '040110000000', data },
      { as: 'anna' },
    );
    assert.equal(res.status, 422);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(res.body.code, 'fim-validation-failed');
    const errors = res.body.errors;
    const byPath = new Map(errors.map((e) => [`${e.path} ${e.code}`, e]));
    for (const [path, code, id] of [
      ['/data/G00000630/F00000013', 'required', 'F00000013'],
      ['/data/G00000630/F00000067', 'max_length', 'F00000067'],
      ['/data/G00000630/F00000014', 'min_length', 'F00000014'],
      ['/data/G00000630/F00000065', 'code', 'F00000065'],
      ['/data/G00000630/F00001017', 'type', 'F00001017'],
      ['/data/G00000630/F00001019/attachmentId', 'attachment', 'F00001019'],
      ['/data/G00000630/F00001019/id', 'attachment', 'F00001019'],
      ['/data/G00000629/F00001016', 'format', 'F00001016'],
      ['/data/G00000642/F00000728', 'currency', 'F00000728'],
      ['/data/G00000633/G00000632/G00000587/G00000046/G00000245/F00000087', 'min_items', 'F00000087'],
      ['/data/G00000642/G00000132/G00000046/G00000245/F00000087', 'max_items', 'F00000087'],
      ['/data/Unbekannt', 'unknown_property', 'S00000121'],
    ] as const) {
      const e = byPath.get(`${path} ${code}`);
      assert.ok(e, `missing ${code} at ${path}; got ${errors.map((x) => `${x.path} ${x.code}`).join(', ')}`);
      assert.equal(e.elementId, id);
      assert.ok(e.message.de.length > 0 && e.message.en.length > 0 && e.message.de !== e.message.en);
    }
    // The sample's attachment references name uploads that do not exist.
    assert.ok(
      errors.some(
        (e) => e.code === 'attachment-not-found' && e.path === '/data/G00000771/F00001252/attachmentId',
      ),
    );
  });

  it('reports pattern, range, label, fixed-value, character-set and attachment errors of the demo schema', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: TEXT_LEIKA },
    });
    const text = await upload(
      base,
      draft.body.draftId,
      Buffer.from('Meldebescheinigung als Text\n'.repeat(20)),
      { as: 'anna' },
    );
    assert.equal(text.status, 201);
    assert.equal(text.body.mediaType, 'text/plain');
    const big = await upload(base, draft.body.draftId, pdfBytes(40 * 1024), { as: 'anna' });
    assert.equal(big.status, 201);
    const data = demoData({
      G60000000210: { F60000000211: 'Schmidt', F60000000212: 'Anna\u{1F600}' },
      G60000000220: { F60000000221: 'Am Markt 1', F60000000222: '2819', F60000000223: 'Bremen' },
      F60000000240: 0,
      F60000000242: 'darf nicht',
      F60000000244: 'ANDERS',
      F60000000241: [
        { attachmentId: text.body.attachmentId, filename: 'x.pdf', mediaType: 'application/pdf', size: 1 },
        { attachmentId: big.body.attachmentId },
      ],
    });
    const res = await submit(submission(data, { leikaKey: TEXT_LEIKA }), { as: 'anna' });
    assert.equal(res.status, 422);
    const got = res.body.errors.map((e) => `${e.path} ${e.code}`).sort();
    assert.deepEqual(got, [
      '/data/F60000000240 minimum',
      '/data/F60000000241/0/mediaType media_type',
      '/data/F60000000241/1/size file_size',
      '/data/F60000000242 no_data',
      '/data/F60000000244 fixed_value',
      '/data/G60000000210/F60000000212 charset',
      '/data/G60000000220/F60000000222 pattern',
    ]);
  });

  it('accepts a complete BlaueKarte submission with its six attachments and consumes the draft', async () => {
    const validator = compileValidator(parseSchema(blaueKarte));
    const data = validator.sample(false);
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'clara',
      body: { tenant: TENANT, leikaKey: BK_LEIKA },
    });
    const draftId = draft.body.draftId;
    const refs = findAttachmentRefs(validator.plan.children, data);
    assert.equal(refs.length, 6);
    for (const ref of refs) {
      const up = await upload(base, draftId, pdfBytes(3000), {
        as: 'clara',
        filename: `${ref.pointer.split('/').pop()}.pdf`,
      });
      assert.equal(up.status, 201);
      Object.assign(ref.value, { attachmentId: up.body.attachmentId, filename: 'egal.pdf', size: 1 });
    }
    const spare = await upload(base, draftId, pdfBytes(1000), { as: 'clara' });
    const res = await submit(
      { tenant: TENANT, leikaKey: BK_LEIKA, ars: '040110000000', data, draftId },
      { as: 'clara' },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const rows: Array<{ id: string; submission_id: string | null }> = await intake.sql.query(
      `SELECT id, submission_id, draft_id FROM intake.attachments WHERE submission_id = $1 OR id = $2`,
      [res.body.submissionId, spare.body.attachmentId],
    );
    assert.equal(rows.filter((r) => r.submission_id === res.body.submissionId).length, 6);
    assert.ok(
      !rows.some((r) => r.id === spare.body.attachmentId),
      'the unused attachment went with the draft',
    );
    assert.equal((await call(base, 'GET', `/drafts/${draftId}`, { as: 'clara' })).status, 404);
    // The stored data carries intake's metadata of each file, not the client's claim.
    const stored = await intake.sql.query(`SELECT data FROM intake.submissions WHERE id = $1`, [
      res.body.submissionId,
    ]);
    assert.equal(stored[0].data.G00000630.F00001019.size, 3000);
    assert.equal(stored[0].data.G00000630.F00001019.filename, 'F00001019.pdf');
  });

  it("never lets a citizen use or read another citizen's attachment or submission", async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const up = await upload(base, draft.body.draftId, pdfBytes(2000), { as: 'anna' });
    const ref = { attachmentId: up.body.attachmentId };

    const theft = await submit(submission(demoData({ F60000000241: [ref] })), { as: 'clara' });
    assert.equal(theft.status, 422);
    assert.deepEqual(
      theft.body.errors.map((e) => [e.path, e.code]),
      [['/data/F60000000241/0/attachmentId', 'attachment-not-found']],
    );
    const foreignDraft = await submit(submission(demoData(), { draftId: draft.body.draftId }), {
      as: 'clara',
    });
    assert.equal(foreignDraft.status, 404);

    const own = await submit(submission(demoData({ F60000000241: [ref] })), { as: 'anna' });
    assert.equal(own.status, 201);
    // Bound to that submission now: it cannot be used again.
    const reuse = await submit(submission(demoData({ F60000000241: [ref] })), { as: 'anna' });
    assert.equal(reuse.status, 422);

    const id = own.body.submissionId;
    assert.equal((await call(base, 'GET', `/submissions/${id}/status`, { as: 'clara' })).status, 404);
    assert.equal((await call(base, 'GET', `/submissions/${id}`, { as: 'ben' })).status, 404);
    assert.equal((await call(base, 'GET', `/submissions/${id}`)).status, 404);
    assert.equal((await call(base, 'GET', `/submissions/${id}`, { as: 'anna' })).status, 200);
    const claras = await call<SubmissionDto[]>(base, 'GET', '/submissions', { as: 'clara' });
    assert.ok(!claras.body.some((s) => s.submissionId === id));
  });

  it('lets a representative submit for an organisation and both read it; nobody else', async () => {
    const org = accountKey('musterbau');
    const noMandate = await submit(submission(demoData()), { as: 'dora', headers: { 'x-act-for': org } });
    assert.equal(noMandate.status, 404);
    await publishTestEvent({
      id: randomUUID(),
      topicPrefix: intake.topicPrefix,
      contract: mandateGrantedV1,
      subject: org,
      data: {
        mandateId: randomUUID(),
        organisationKey: org,
        representativeKey: accountKey('dora'),
        leikaKeys: [LEIKA],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: null,
      },
    });
    const res = await eventually(
      async () => {
        const r = await submit(submission(demoData()), { as: 'dora', headers: { 'x-act-for': org } });
        return r.status === 201 ? r : undefined;
      },
      { what: 'the mandate to arrive' },
    );
    const id = res.body.submissionId;
    const event = await eventually(async () => recorder.ofType(submissionSubmittedV1, id)[0]);
    assert.deepEqual(event.data.applicant, {
      ownerKey: org,
      kind: 'organisation',
      actedByKey: accountKey('dora'),
      trustLevel: 3,
    });
    assert.equal((await call(base, 'GET', `/submissions/${id}/status`, { as: 'musterbau' })).status, 200);
    assert.equal((await call(base, 'GET', `/submissions/${id}/status`, { as: 'dora' })).status, 200);
    assert.equal(
      (await call(base, 'GET', `/submissions/${id}/status`, { as: 'dora', headers: { 'x-act-for': org } }))
        .status,
      200,
    );
    assert.equal((await call(base, 'GET', `/submissions/${id}/status`, { as: 'anna' })).status, 404);
    // The mandate covers only this Leistung.
    const other = await submit(submission(demoData(), { leikaKey: TEXT_LEIKA }), {
      as: 'dora',
      headers: { 'x-act-for': org },
    });
    assert.equal(other.status, 404);
  });

  it('gives an anonymous applicant a receipt token that alone opens the status', async () => {
    const res = await submit(submission(demoData(), { leikaKey: ANON_LEIKA }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const receiptToken = res.body.receiptToken!;
    assert.ok(receiptToken.length >= 40);
    const id = res.body.submissionId;
    const status = await call<SubmissionDto>(base, 'GET', `/submissions/${id}/status`, {
      headers: { 'x-receipt-token': receiptToken },
    });
    assert.equal(status.status, 200);
    assert.equal(status.body.vorgangsnummer, res.body.vorgangsnummer);
    assert.equal((await call(base, 'GET', `/submissions/${id}/status`)).status, 404);
    assert.equal(
      (
        await call(base, 'GET', `/submissions/${id}/status`, {
          headers: { 'x-receipt-token': 'x'.repeat(43) },
        })
      ).status,
      404,
    );
    assert.equal((await call(base, 'GET', `/submissions/${id}/status`, { as: 'anna' })).status, 404);
    const stored = await intake.sql.query(
      `SELECT receipt_token_sha256 FROM intake.submissions WHERE id = $1`,
      [id],
    );
    assert.notEqual(stored[0].receipt_token_sha256, receiptToken);
    const event = await eventually(async () => recorder.ofType(submissionSubmittedV1, id)[0]);
    assert.deepEqual(event.data.applicant, { ownerKey: null, kind: 'anonymous', trustLevel: 0 });
  });

  it('emitted exactly one submitted event per accepted submission and none for refused ones', async () => {
    await eventually(async () =>
      recorder.ofType(submissionSubmittedV1).length >= accepted.size ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const events = recorder.ofType(submissionSubmittedV1);
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.subject, (counts.get(e.subject) ?? 0) + 1);
    assert.deepEqual(new Set(counts.keys()), accepted);
    assert.ok(
      [...counts.values()].every((n) => n === 1),
      JSON.stringify([...counts]),
    );
    const rows = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.submissions`);
    assert.equal(rows[0].n, accepted.size);
  });
});
