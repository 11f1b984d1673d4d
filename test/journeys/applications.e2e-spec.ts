/**
 * Journeys of issue 9 besides the demo, on one system (the four real services, the payment provider
 * simulator, the Fachverfahren simulator): the real BlaueKarte schema, an anonymous application, a
 * representative applying for an organisation, a Fachverfahren that refuses the message, a Leistung
 * without a responsible authority, and a Fachverfahren that pulls from its mailbox. Each journey asserts
 * what intake, payment, routing, the Fachverfahren and the Postkorb show at its end.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { routingAlertV1, routingFailedV1, TOPICS } from '@amtsbote/contracts';
import { compileValidator, parseSchema } from '@amtsbote/fim';
import {
  devSchemaDir,
  eventually,
  EventRecorder,
  FachverfahrenSimulator,
  mintToken,
  OIDC_ISSUER,
} from '@amtsbote/testing';
import {
  applyForParkingPermit,
  awaitBescheid,
  awaitIntakeStatus,
  awaitPaymentState,
  awaitPostkorbTimeline,
  type Caller,
  DELIVERED_OR_LATER,
  DEMO,
  ensureDestination,
  ensureFee,
  finishAtPayPage,
  http,
  openPayment,
  type PostkorbTimeline,
  postkorbMessages,
  routingMessages,
  seedDemo,
  submitApplication,
  uploadFimSchema,
  uploadPdf,
  PAID_AND_COMPLETED,
} from './journey';
import { startSystem, type System } from './system';

/** Leistungen of tenant hb beside the demo's (LeiKa keys of the test catalog). */
const BLAUE_KARTE = '99010003001000';
/** Free, open to anonymous applicants; the demo's FIM schema. */
const FREE = '99058012262000';
/** Offered, but no route leads anywhere yet. */
const UNROUTED = '99058012263000';
/** Tenant nw: a Fachverfahren that fetches from its mailbox (the dev client `fv-other` serves `nw-other`). */
const NW = { tenant: 'nw', leikaKey: '99058012261000', ars: '053150000000', destinationId: 'nw-other' };

const statuses = (tl: PostkorbTimeline) => tl.entries.map((e) => e.status).filter((s) => s !== null);

/** Replaces every file field of FIM sample data (objects with an attachmentId) by `fill(pointer)`. */
async function fillFileFields(
  node: unknown,
  fill: (pointer: string) => Promise<unknown>,
  pointer = '',
): Promise<unknown> {
  if (Array.isArray(node)) {
    return Promise.all(node.map((v, i) => fillFileFields(v, fill, `${pointer}/${i}`)));
  }
  if (node === null || typeof node !== 'object') return node;
  if ('attachmentId' in node) return fill(pointer);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = await fillFileFields(v, fill, `${pointer}/${k}`);
  return out;
}

describe('journeys across the four services', () => {
  let sys: System;
  let catalogAdmin: string;
  let paymentAdmin: string;
  let routingAdmin: string;
  let anna: Caller;
  let recorder: EventRecorder;
  let demoSchema: { id: string; version: string };

  before(async () => {
    sys = await startSystem({ label: 'journeys' });
    recorder = await EventRecorder.start(sys.topicPrefix, [TOPICS.routing]);
    await seedDemo(sys.targets, () => undefined);
    const t = sys.targets;
    catalogAdmin = await mintToken(t.issuer, 'hb-catalog-admin');
    paymentAdmin = await mintToken(t.issuer, 'hb-payment-admin');
    routingAdmin = await mintToken(t.issuer, 'hb-routing-admin');
    anna = { token: await mintToken(t.issuer, 'anna') };
    const schema = await uploadFimSchema(t, catalogAdmin, readFileSync(DEMO.schemaFile));
    demoSchema = { id: schema.body.schemaId, version: schema.body.version };
    for (const leikaKey of [FREE, UNROUTED]) {
      await http('PUT', `${t.intake}/admin/tenants/${DEMO.tenant}/leistungen/${leikaKey}`, {
        token: catalogAdmin,
        json: {
          names: { de: `Testleistung ${leikaKey}` },
          fimSchema: demoSchema,
          minTrustLevel: 0,
          anonymousAllowed: true,
          regions: [DEMO.region],
          attachments: {
            maxCount: 1,
            maxFileBytes: 1 << 20,
            maxTotalBytes: 1 << 20,
            mediaTypes: ['application/pdf'],
          },
        },
      });
    }
    await http('POST', `${t.routing}/routes/import?mode=merge`, {
      token: routingAdmin,
      json: [{ leikaKey: FREE, ars: DEMO.region, destinationId: DEMO.destinationId }],
    });
  });

  after(async () => {
    await recorder?.stop();
    await sys?.stop();
  });

  it('BlaueKarte: the real FIM schema from the form to the Bescheid', async () => {
    const t = sys.targets;
    const xml = readFileSync(join(devSchemaDir(), 'fim-xdf2', 'BlaueKarte.xml'));
    const uploaded = await uploadFimSchema(t, catalogAdmin, xml);
    await http('PUT', `${t.intake}/admin/tenants/${DEMO.tenant}/leistungen/${BLAUE_KARTE}`, {
      token: catalogAdmin,
      json: {
        names: { de: 'Blaue Karte EU beantragen', en: 'Apply for an EU Blue Card' },
        fimSchema: { id: uploaded.body.schemaId, version: uploaded.body.version },
        minTrustLevel: 3,
        regions: [DEMO.region],
        attachments: {
          maxCount: 10,
          maxFileBytes: 1024 * 1024,
          maxTotalBytes: 5 * 1024 * 1024,
          mediaTypes: ['application/pdf'],
        },
      },
    });
    await ensureFee(t, paymentAdmin, DEMO.tenant, {
      leikaKey: BLAUE_KARTE,
      arsPrefix: null,
      amountCents: 10000,
      purpose: 'Blaue Karte EU',
    });
    await http('POST', `${t.routing}/routes/import?mode=merge`, {
      token: routingAdmin,
      json: [{ leikaKey: BLAUE_KARTE, ars: null, destinationId: DEMO.destinationId }],
    });

    const clara: Caller = { token: await mintToken(t.issuer, 'clara') };
    const form = await http<{ jsonSchema: { properties: Record<string, unknown> } }>(
      'GET',
      `${t.intake}/tenants/${DEMO.tenant}/leistungen/${BLAUE_KARTE}/form`,
    );
    const draft = await http<{ draftId: string }>('POST', `${t.intake}/drafts`, {
      ...clara,
      json: { tenant: DEMO.tenant, leikaKey: BLAUE_KARTE, ars: DEMO.ars },
      expect: [201],
    });
    // Data built from the schema's own fields; every file field gets its own uploaded PDF.
    const sample = compileValidator(parseSchema(xml)).sample(false);
    const files: string[] = [];
    const data = (await fillFileFields(sample, async (pointer) => {
      const name = `${pointer.split('/').pop() ?? 'nachweis'}.pdf`;
      files.push(name);
      const { attachmentId, filename, mediaType, size } = await uploadPdf(
        t,
        clara,
        draft.body.draftId,
        name,
        `Nachweis ${pointer}`,
      );
      return { attachmentId, filename, mediaType, size };
    })) as Record<string, unknown>;
    assert.ok(files.length >= 2, 'BlaueKarte has several file fields');
    assert.deepEqual(Object.keys(data).sort(), Object.keys(form.body.jsonSchema.properties).sort());
    const saved = await http<{ fieldErrors: unknown[] }>('PUT', `${t.intake}/drafts/${draft.body.draftId}`, {
      ...clara,
      json: { data },
    });
    assert.deepEqual(saved.body.fieldErrors, []);

    const submitted = await submitApplication(t, clara, {
      tenant: DEMO.tenant,
      leikaKey: BLAUE_KARTE,
      ars: DEMO.ars,
      data,
      draftId: draft.body.draftId,
    });
    const payment = await openPayment(t, clara, submitted.submissionId);
    assert.equal(payment.amountCents, 10000);
    await finishAtPayPage(payment.redirectUrl ?? '', 'settle');
    await awaitPaymentState(t, clara, submitted.submissionId, 'PAYED');

    const done = await awaitIntakeStatus(t, clara, submitted.submissionId, ['COMPLETED']);
    assert.deepEqual(
      done.timeline.map((e) => e.status),
      PAID_AND_COMPLETED,
    );
    const [message, ...more] = await routingMessages(t, routingAdmin, submitted.submissionId);
    assert.equal(more.length, 0);
    assert.deepEqual([message.state, message.destinationId], ['DELIVERED', DEMO.destinationId]);
    const received = sys.fvSim.received.get(message.messageId);
    assert.ok(received, 'the Fachverfahren has the message');
    assert.equal(received.validation.valid, true, received.validation.problems.join('\n'));
    assert.equal(received.envelope.vorgangsnummer, submitted.vorgangsnummer);
    // The Antrag inside the xdomea ZIP carries the BlaueKarte data, and every proof travels with it.
    assert.match(received.xml?.antrag ?? '', /G00000630/);
    const zipped = [...(received.zipEntries?.keys() ?? [])];
    for (const name of files)
      assert.ok(
        zipped.some((z) => z.endsWith(`_${name}`)),
        `${name} in the ZIP`,
      );

    const timeline = await awaitPostkorbTimeline(
      t,
      clara,
      submitted.submissionId,
      (tl) => tl.status === 'COMPLETED',
    );
    assert.equal(timeline.outcome, null);
    for (const s of ['SUBMITTED', 'ACTION_REQUIRED', 'RECEIVED', 'PROCESSING', 'COMPLETED']) {
      assert.ok(statuses(timeline).includes(s), s);
    }
    const bescheid = await awaitBescheid(t, clara, submitted.submissionId);
    assert.match(bescheid.subject, new RegExp(submitted.vorgangsnummer));
  });

  it('anonymous: the receipt token alone shows the status; the application is delivered', async () => {
    const t = sys.targets;
    const submitted = await applyForParkingPermit(
      t,
      {},
      { tenant: DEMO.tenant, leikaKey: FREE, ars: DEMO.ars },
    );
    assert.ok(submitted.receiptToken, 'an anonymous submission gets a receipt token');
    const holder: Caller = { headers: { 'x-receipt-token': submitted.receiptToken } };

    const done = await awaitIntakeStatus(t, holder, submitted.submissionId, ['COMPLETED']);
    const steps = done.timeline.map((e) => e.status);
    assert.deepEqual(steps.slice(0, 5), ['SUBMITTED', 'READY', 'ROUTED', 'DELIVERED', 'RECEIVED']);
    assert.ok(!steps.includes('AWAITING_PAYMENT'), 'nothing to pay');

    for (const stranger of [
      {},
      { headers: { 'x-receipt-token': `${submitted.receiptToken}x` } },
      anna,
    ] satisfies Caller[]) {
      await http('GET', `${t.intake}/submissions/${submitted.submissionId}/status`, {
        ...stranger,
        expect: [404],
      });
    }
    const [message, ...more] = await routingMessages(t, routingAdmin, submitted.submissionId);
    assert.equal(more.length, 0);
    assert.equal(message.state, 'DELIVERED');
    const received = sys.fvSim.received.get(message.messageId);
    assert.ok(received, 'the Fachverfahren has the message');
    assert.equal(received.validation.valid, true, received.validation.problems.join('\n'));
    // Nobody's Postkorb: an anonymous applicant has none, and anna must not see it.
    await http('GET', `${t.accounts}/postkorb/submissions/${submitted.submissionId}/timeline`, {
      ...anna,
      expect: [404],
    });
  });

  it("a representative applies for the organisation: the organisation's Postkorb shows it, hers does not", async () => {
    const t = sys.targets;
    const musterbau: Caller = { token: await mintToken(t.issuer, 'musterbau') };
    const doraPrivate: Caller = { token: await mintToken(t.issuer, 'dora') };
    const orgKey = (await http<{ key: string }>('GET', `${t.accounts}/me`, musterbau)).body.key;
    const doraKey = (await http<{ key: string }>('GET', `${t.accounts}/me`, doraPrivate)).body.key;
    await http('POST', `${t.accounts}/mandates`, {
      ...musterbau,
      json: { representativeKey: doraKey, leikaKeys: [DEMO.leikaKey] },
      expect: [201],
    });
    const reps = await http<{ items: Array<{ organisationKey: string }> }>(
      'GET',
      `${t.accounts}/me/representations`,
      doraPrivate,
    );
    assert.deepEqual(
      reps.body.items.map((m) => m.organisationKey),
      [orgKey],
      'dora may act for musterbau',
    );
    const dora: Caller = { ...doraPrivate, headers: { 'x-act-for': orgKey } };

    // intake learns of the mandate from accounts' event; until then the organisation's drafts are a 404.
    await eventually(async () => http('GET', `${t.intake}/drafts`, dora), {
      timeoutMs: 30_000,
      what: "intake to know dora's mandate",
    });
    const submitted = await applyForParkingPermit(t, dora);
    const payment = await openPayment(t, dora, submitted.submissionId);
    assert.equal(payment.amountCents, DEMO.feeCents);
    await finishAtPayPage(payment.redirectUrl ?? '', 'settle');
    await awaitIntakeStatus(t, dora, submitted.submissionId, ['COMPLETED']);

    const org = await awaitPostkorbTimeline(
      t,
      musterbau,
      submitted.submissionId,
      (tl) => tl.status === 'COMPLETED',
    );
    assert.equal(org.actedByKey, doraKey, 'the organisation sees who applied');
    for (const s of ['SUBMITTED', 'ACTION_REQUIRED', 'RECEIVED', 'COMPLETED'])
      assert.ok(statuses(org).includes(s), s);
    const asRepresentative = await awaitPostkorbTimeline(
      t,
      dora,
      submitted.submissionId,
      (tl) => tl.status === 'COMPLETED',
    );
    // The same timeline (events after COMPLETED, e.g. a late reply, may still be arriving: it can only have grown).
    const seen = new Set(asRepresentative.entries.map((e) => `${e.at} ${e.kind}`));
    assert.deepEqual(
      org.entries.filter((e) => !seen.has(`${e.at} ${e.kind}`)),
      [],
    );
    const bescheid = await awaitBescheid(t, dora, submitted.submissionId);
    assert.equal(bescheid.attachments[0]?.filename, 'Bescheid.pdf');

    await http('GET', `${t.accounts}/postkorb/submissions/${submitted.submissionId}/timeline`, {
      ...doraPrivate,
      expect: [404],
    });
    const own = await http<{ items: Array<{ submissionId: string }> }>(
      'GET',
      `${t.accounts}/postkorb/submissions`,
      doraPrivate,
    );
    assert.ok(
      !own.body.items.some((s) => s.submissionId === submitted.submissionId),
      "not in dora's own Postkorb",
    );
    const ownMessages = await http<{ items: unknown[] }>(
      'GET',
      `${t.accounts}/postkorb/messages?submissionId=${submitted.submissionId}`,
      doraPrivate,
    );
    assert.equal(ownMessages.body.items.length, 0);
  });

  it('the Fachverfahren refuses the message: dead letter and alert, and the citizen is told', async () => {
    const t = sys.targets;
    sys.fvSim.setMode({ kind: 'reject' });
    try {
      const submitted = await applyForParkingPermit(t, anna, {
        tenant: DEMO.tenant,
        leikaKey: FREE,
        ars: DEMO.ars,
      });
      // Waits for the end either way, so a delivery despite the refusal fails here rather than by timeout.
      const failed = await awaitIntakeStatus(t, anna, submitted.submissionId, [
        'FAILED',
        ...DELIVERED_OR_LATER,
      ]);
      assert.equal(failed.status, 'FAILED');
      assert.equal(failed.timeline.at(-1)?.reason?.code, 'REJECTED');

      const [message] = await routingMessages(t, routingAdmin, submitted.submissionId);
      assert.equal(message.state, 'DEAD');
      const dead = await http<{ reason: string; report: { httpStatus?: number } }>(
        'GET',
        `${t.routing}/dead-letters/${message.messageId}`,
        { token: routingAdmin },
      );
      assert.deepEqual([dead.body.reason, dead.body.report.httpStatus], ['REFUSED_BY_RECEIVER', 422]);
      const alert = await eventually(async () => recorder.ofType(routingAlertV1, submitted.submissionId)[0], {
        what: 'the alert to the destination contact',
      });
      assert.deepEqual([alert.data.kind, alert.data.contact], ['DEAD_LETTER', 'fv-betrieb@bremen.example']);
      assert.equal(sys.fvSim.received.has(message.messageId), false);

      const timeline = await awaitPostkorbTimeline(
        t,
        anna,
        submitted.submissionId,
        (tl) => tl.status === 'COMPLETED' && tl.entries.some((e) => e.kind === 'routing.failed.REJECTED'),
      );
      assert.equal(timeline.outcome, 'FAILED');
      const told = (await postkorbMessages(t, anna, submitted.submissionId)).find((m) =>
        m.subject.includes('Technisch nicht angenommen'),
      );
      assert.ok(told, 'a Postkorb message tells anna, without calling a final failure a delay');
      assert.match(told.body, /hat Ihren Antrag technisch nicht angenommen/);
    } finally {
      sys.fvSim.setMode({ kind: 'ok' });
    }
  });

  it('no authority for the Leistung: FAILED with NO_AUTHORITY, nothing sent, the citizen is told', async () => {
    const t = sys.targets;
    const submitted = await applyForParkingPermit(t, anna, {
      tenant: DEMO.tenant,
      leikaKey: UNROUTED,
      ars: DEMO.ars,
    });
    const failed = await awaitIntakeStatus(t, anna, submitted.submissionId, [
      'FAILED',
      'ROUTED',
      'DELIVERED',
    ]);
    assert.deepEqual(
      failed.timeline.map((e) => e.status),
      ['SUBMITTED', 'READY', 'FAILED'],
    );
    assert.equal(failed.timeline.at(-1)?.reason?.code, 'NO_AUTHORITY');
    assert.deepEqual(await routingMessages(t, routingAdmin, submitted.submissionId), []);
    const timeline = await awaitPostkorbTimeline(
      t,
      anna,
      submitted.submissionId,
      (tl) => tl.status === 'COMPLETED' && tl.entries.some((e) => e.kind === 'routing.failed.NO_AUTHORITY'),
    );
    assert.equal(timeline.outcome, 'FAILED');
    const told = (await postkorbMessages(t, anna, submitted.submissionId)).find((m) =>
      m.subject.includes('Keine Weiterleitung möglich'),
    );
    assert.ok(told, 'a Postkorb message tells anna');
    assert.match(told.body, /keine zuständige Behörde.*Stadt- oder Gemeindeverwaltung/s);
    const failures = await eventually(
      async () => {
        const codes = recorder.ofType(routingFailedV1, submitted.submissionId).map((e) => e.data.code);
        return codes.length > 0 ? codes : undefined;
      },
      { what: 'routing.failed on the topic' },
    );
    assert.deepEqual(failures, ['NO_AUTHORITY']);
  });

  it('pull: the Fachverfahren fetches from its mailbox and accepts; delivered exactly once', async () => {
    const t = sys.targets;
    const nwCatalog = await mintToken(t.issuer, 'nw-catalog-admin');
    const nwRouting = await mintToken(t.issuer, 'nw-routing-admin');
    const pullSim = await FachverfahrenSimulator.start({
      secret: sys.destinationSecret,
      schemaDir: devSchemaDir(),
      autoRespond: true,
      routing: { url: t.routing, issuer: OIDC_ISSUER, clientId: 'fv-other', clientSecret: 'fv-other-secret' },
    });
    try {
      await http('PUT', `${t.intake}/admin/tenants/${NW.tenant}`, {
        token: nwCatalog,
        json: { kind: 'LAND', name: 'Land Nordrhein-Westfalen', ars: '05' },
      });
      await http('PUT', `${t.intake}/admin/tenants/${NW.tenant}/leistungen/${NW.leikaKey}`, {
        token: nwCatalog,
        json: {
          names: { de: 'Bewohnerparkausweis beantragen' },
          fimSchema: demoSchema,
          minTrustLevel: 3,
          regions: ['05'],
          attachments: {
            maxCount: 1,
            maxFileBytes: 1 << 20,
            maxTotalBytes: 1 << 20,
            mediaTypes: ['application/pdf'],
          },
        },
      });
      await ensureDestination(t, nwRouting, {
        id: NW.destinationId,
        name: 'Stadt Köln - Bewohnerparken',
        identity: 'psw:05315000',
        channel: 'pull',
        format: 'xdomea-3.0',
        callbackUrl: pullSim.callbackUrl,
        alertContact: 'fv-betrieb@stadt-koeln.example',
      });
      await http('POST', `${t.routing}/routes/import?mode=merge`, {
        token: nwRouting,
        json: [{ leikaKey: NW.leikaKey, ars: '05', destinationId: NW.destinationId }],
      });

      const submitted = await applyForParkingPermit(t, anna, NW);
      // routing builds it into the mailbox and rings the (signed) callback; nothing is pushed.
      const callback = await pullSim.waitFor(() => pullSim.callbacks[0], 30_000, 'the callback');
      assert.equal(callback.verdict, 'ok');
      const [waiting] = await routingMessages(t, nwRouting, submitted.submissionId);
      assert.deepEqual([waiting.channel, waiting.state], ['pull', 'AVAILABLE']);
      await awaitIntakeStatus(t, anna, submitted.submissionId, ['ROUTED']);

      const pulled = await pullSim.pullOnce();
      assert.deepEqual(
        pulled.map((m) => m.messageId),
        [waiting.messageId],
      );
      assert.equal(pulled[0].validation.valid, true, pulled[0].validation.problems.join('\n'));
      assert.deepEqual(await pullSim.pullOnce(), [], 'accepted messages leave the mailbox');
      const [delivered] = await routingMessages(t, nwRouting, submitted.submissionId);
      assert.equal(delivered.state, 'DELIVERED');

      const done = await awaitIntakeStatus(t, anna, submitted.submissionId, ['COMPLETED']);
      assert.equal(done.timeline.filter((e) => e.status === 'DELIVERED').length, 1);
      const timeline = await awaitPostkorbTimeline(
        t,
        anna,
        submitted.submissionId,
        (tl) => tl.status === 'COMPLETED',
      );
      assert.equal(timeline.entries.filter((e) => e.kind === 'routing.delivered').length, 1);
      await awaitBescheid(t, anna, submitted.submissionId);
      assert.equal(pullSim.received.size, 1);
      assert.equal(sys.fvSim.received.has(waiting.messageId), false, 'nothing went to the push receiver');
    } finally {
      await pullSim.stop();
    }
  });
});
