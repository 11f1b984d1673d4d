import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { catalogSchemaPublishedV2, fromInlineDocument, TOPICS } from '@amtsbote/contracts';
import { EventRecorder, eventually } from '@amtsbote/testing';
import { DEMO_SCHEMA_ID, demoSchemaXml } from './fixtures/demo-schema';
import type { AuditEntryDto } from '../src/audit/audit.dto';
import type { FimSchemaDto } from '../src/fim-schemas/fim-schemas.dto';
import type { FormDefinitionDto, PublicLeistungDto } from '../src/forms/forms.dto';
import type { LeistungDto } from '../src/leistungen/leistungen.dto';
import {
  accountKey,
  call,
  type FieldError,
  type IntakeUnderTest,
  LEIKA,
  seedCatalog,
  sharedFixture,
  startIntake,
  TENANT,
  token,
} from './harness';

const BLAUE_KARTE_LEIKA = '99010003001000';

interface OpenApiOperation {
  parameters: Array<{ name: string; in: string }>;
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation | undefined> | undefined>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> } | undefined> };
}

describe('intake catalog: tenants, FIM schemas, Leistungen, form definitions', () => {
  let intake: IntakeUnderTest;
  let recorder: EventRecorder;
  let base: string;
  const blaueKarte = sharedFixture('fim-xdf2', 'BlaueKarte.xml');

  before(async () => {
    intake = await startIntake('catalog');
    base = intake.url;
    recorder = await EventRecorder.start(intake.topicPrefix, [TOPICS.catalog]);
  });

  after(async () => {
    await recorder.stop();
    await intake.close();
  });

  it('lets a catalog admin manage only their own tenant', async () => {
    const body = { kind: 'LAND', name: 'Freie Hansestadt Bremen', ars: '04' };
    assert.equal((await call(base, 'PUT', `/admin/tenants/${TENANT}`, { body })).status, 401);
    assert.equal((await call(base, 'PUT', `/admin/tenants/${TENANT}`, { as: 'anna', body })).status, 403);
    const foreign = await call(base, 'PUT', `/admin/tenants/${TENANT}`, { as: 'nw-catalog-admin', body });
    assert.equal(foreign.status, 403);
    assert.match(foreign.headers.get('content-type') ?? '', /application\/problem\+json/);
    const own = await call(base, 'PUT', `/admin/tenants/${TENANT}`, { as: 'hb-catalog-admin', body });
    assert.equal(own.status, 200);
    assert.equal(own.body.ars, '04');
    const invalid = await call(base, 'PUT', `/admin/tenants/${TENANT}`, {
      as: 'hb-catalog-admin',
      body: { kind: 'STADTSTAAT', name: '', ars: '4' },
    });
    assert.equal(invalid.status, 400);
    assert.deepEqual(new Set(invalid.body.errors.map((e) => e.path)), new Set(['/kind', '/name', '/ars']));
    assert.equal(
      (await call(base, 'GET', `/admin/tenants/${TENANT}`, { as: 'nw-catalog-admin' })).status,
      403,
    );
  });

  it('stores an xdf2 schema (BlaueKarte), announces it once, and treats a version as immutable', async () => {
    const first = await call(base, 'POST', '/admin/fim-schemas', { as: 'hb-catalog-admin', raw: blaueKarte });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.schemaId, 'S00000121');
    assert.equal(first.body.version, '1.0');
    assert.equal(first.body.generation, 'xdf2');
    assert.equal(first.body.uploadedByTenant, TENANT);

    const again = await call(base, 'POST', '/admin/fim-schemas', { as: 'nw-catalog-admin', raw: blaueKarte });
    assert.equal(again.status, 200);
    assert.equal(again.body.xdfSha256, first.body.xdfSha256);

    const changed = blaueKarte.replace(
      '<xdf:name>Antrag Blaue Karte EU</xdf:name>',
      '<xdf:name>Geändert</xdf:name>',
    );
    assert.notEqual(changed, blaueKarte);
    const conflict = await call(base, 'POST', '/admin/fim-schemas', { as: 'hb-catalog-admin', raw: changed });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.code, 'fim-schema-immutable');

    const events = await eventually(
      async () => {
        const e = recorder.ofType(catalogSchemaPublishedV2, 'S00000121@1.0');
        return e.length > 0 ? e : undefined;
      },
      { what: 'the schema-published event' },
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(recorder.ofType(catalogSchemaPublishedV2, 'S00000121@1.0').length, 1);
    assert.equal(fromInlineDocument(events[0].data.xdf).toString('utf8'), blaueKarte);
    assert.equal(events[0].data.generation, 'xdf2');
    assert.equal(events[0].data.xdf.sha256, first.body.xdfSha256);
    // BlaueKarte's lists are bundled with @amtsbote/fim (routing has them too): pinned, not carried.
    assert.deepEqual(events[0].data.codeLists, []);
    assert.ok(Object.keys(events[0].data.codeListPins).length > 0);

    const xml = await fetch(`${base}/admin/fim-schemas/S00000121/1.0/xdf`, {
      headers: { authorization: `Bearer ${await token('hb-catalog-admin')}` },
    });
    assert.equal(await xml.text(), blaueKarte);
  });

  it("refuses an invalid schema with the parser's errors as problem+json", async () => {
    const xdf1 = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      raw: sharedFixture('fim-xdf1', 'WaBeKa.xml'),
    });
    assert.equal(xdf1.status, 422);
    assert.equal(xdf1.body.code, 'fim-schema-invalid');
    assert.equal(xdf1.body.errors[0].code, 'UNSUPPORTED_NAMESPACE');
    assert.equal((xdf1.body.errors[0] as FieldError & { line?: number }).line, 2);

    const duplicate = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      raw: sharedFixture('fim-xdf2', 'duplicate-required-value.xml'),
    });
    assert.equal(duplicate.status, 422);
    const dup = duplicate.body.errors.find((e) => e.code === 'DUPLICATE_ELEMENT');
    assert.ok(dup, JSON.stringify(duplicate.body.errors));
    assert.match(dup.path, /stammdatenschema\/name\[2\]$/);
    assert.match(dup.message.de, /darf in <xdf:stammdatenschema> nur einmal vorkommen/);
    assert.match(dup.message.en, /may occur only once/);

    const entity = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      raw: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`,
    });
    assert.equal(entity.status, 422);
    assert.doesNotMatch(JSON.stringify(entity.body), /root:/);

    const json = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      body: { xml: 'no' },
    });
    assert.equal(json.status, 415);

    // A flag that is neither true nor false is refused, not read as false.
    const maybe = await call(base, 'POST', '/admin/fim-schemas?allowUnknownCodeLists=maybe', {
      as: 'hb-catalog-admin',
      raw: demoSchemaXml(),
    });
    assert.equal(maybe.status, 400);
    assert.deepEqual(
      maybe.body.errors.map((e) => e.path),
      ['/allowUnknownCodeLists'],
    );

    const stored = await call<FimSchemaDto[]>(base, 'GET', '/admin/fim-schemas', { as: 'hb-catalog-admin' });
    assert.deepEqual(
      stored.body.map((s) => s.schemaId),
      ['S00000121'],
    );
  });

  it('configures Leistungen per tenant with checks, and audit-logs every admin action', async () => {
    const upload = await call(base, 'POST', '/admin/fim-schemas', {
      as: 'hb-catalog-admin',
      raw: demoSchemaXml(),
    });
    assert.equal(upload.status, 201);
    const leistung = {
      names: { de: 'Bewohnerparkausweis beantragen' },
      fimSchema: { id: DEMO_SCHEMA_ID, version: '1.0.0' },
      minTrustLevel: 3,
      regions: ['04011'],
    };
    const badKey = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/12345`, {
      as: 'hb-catalog-admin',
      body: leistung,
    });
    assert.equal(badKey.status, 400);
    const unknownSchema = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${LEIKA}`, {
      as: 'hb-catalog-admin',
      body: { ...leistung, fimSchema: { id: DEMO_SCHEMA_ID, version: '9.9.9' }, regions: ['05', '04011'] },
    });
    assert.equal(unknownSchema.status, 422);
    assert.deepEqual(
      unknownSchema.body.errors.map((e) => [e.path, e.code]),
      [
        ['/fimSchema', 'fim-schema-unknown'],
        ['/regions/0', 'region-outside-tenant'],
      ],
    );
    const foreign = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${LEIKA}`, {
      as: 'nw-catalog-admin',
      body: leistung,
    });
    assert.equal(foreign.status, 403);
    const ok = await call<LeistungDto>(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${LEIKA}`, {
      as: 'hb-catalog-admin',
      body: leistung,
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.anonymousAllowed, false);
    assert.deepEqual(ok.body.attachments.mediaTypes, ['application/pdf', 'image/jpeg', 'image/png']);

    const audit = await call<AuditEntryDto[]>(base, 'GET', `/admin/tenants/${TENANT}/audit-log`, {
      as: 'hb-catalog-admin',
    });
    assert.equal(audit.status, 200);
    const actions = audit.body.map((a) => a.action);
    assert.deepEqual(actions.slice(0, 3), ['leistung.create', 'fim-schema.upload', 'fim-schema.upload']);
    assert.ok(actions.includes('tenant.create'));
    assert.ok(audit.body.every((a) => a.actorKey === accountKey('hb-catalog-admin')));
    // Refused actions left no trace.
    assert.equal(actions.filter((a) => a.startsWith('leistung.')).length, 1);
    assert.equal(
      (await call(base, 'GET', `/admin/tenants/${TENANT}/audit-log`, { as: 'nw-catalog-admin' })).status,
      403,
    );
  });

  it('serves the form definition publicly with an ETag, and a new one after a change', async () => {
    await seedCatalog(base);
    const bk = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}`, {
      as: 'hb-catalog-admin',
      body: {
        names: { de: 'Blaue Karte EU beantragen', en: 'Apply for an EU Blue Card' },
        fimSchema: { id: 'S00000121', version: '1.0' },
        minTrustLevel: 4,
        regions: ['04'],
      },
    });
    assert.equal(bk.status, 200);

    const list = await call<PublicLeistungDto[]>(base, 'GET', `/tenants/${TENANT}/leistungen`);
    assert.deepEqual(
      list.body.map((l) => l.leikaKey),
      [BLAUE_KARTE_LEIKA, LEIKA],
    );

    const form = await call<FormDefinitionDto>(
      base,
      'GET',
      `/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}/form`,
    );
    assert.equal(form.status, 200);
    const etag = form.headers.get('etag');
    assert.ok(etag?.startsWith('"'));
    assert.equal(form.body.leistung.minTrustLevel, 4);
    assert.equal(form.body.jsonSchema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    const uiOf = (lang: 'de' | 'en') =>
      form.body.uiSchema[lang].G00000630 as Record<string, Record<string, unknown>>;
    assert.equal(uiOf('de').F00000065['ui:placeholder'], 'Bitte auswählen');
    assert.equal(uiOf('en').F00000065['ui:placeholder'], 'Please choose');
    assert.equal(form.body.ui.id, 'S00000121');
    assert.match(form.body.ui.title, /Blaue Karte EU/);
    const first = form.body.ui.children[0];
    assert.equal(first.kind, 'group');
    assert.ok(first.children!.some((c) => c.id === 'F00000013' && c.label.length > 0));
    const sex = first.children!.find((c) => c.id === 'F00000065')!;
    assert.equal(sex.widget, 'select');
    assert.ok(sex.options!.length > 1);
    assert.deepEqual(form.body.attachments.fields.map((f) => f.id).slice(0, 2), ['F00001019', 'F00001052']);
    assert.equal(form.body.attachments.maxCount, 10);

    const cached = await fetch(`${base}/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}/form`, {
      headers: { 'if-none-match': etag! },
    });
    assert.equal(cached.status, 304);
    assert.equal(await cached.text(), '');

    await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}`, {
      as: 'hb-catalog-admin',
      body: {
        names: { de: 'Blaue Karte EU' },
        fimSchema: { id: 'S00000121', version: '1.0' },
        minTrustLevel: 3,
        regions: ['04'],
      },
    });
    const changed = await fetch(`${base}/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}/form`, {
      headers: { 'if-none-match': etag! },
    });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);

    assert.equal((await call(base, 'GET', `/tenants/${TENANT}/leistungen/99999999999999/form`)).status, 404);
    await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}`, {
      as: 'hb-catalog-admin',
      body: {
        names: { de: 'Blaue Karte EU' },
        fimSchema: { id: 'S00000121', version: '1.0' },
        minTrustLevel: 3,
        regions: ['04'],
        active: false,
      },
    });
    assert.equal(
      (await call(base, 'GET', `/tenants/${TENANT}/leistungen/${BLAUE_KARTE_LEIKA}/form`)).status,
      404,
    );
  });

  it('documents the API for portal developers at /docs', async () => {
    const doc = await call<OpenApiDoc>(base, 'GET', '/docs/openapi.json');
    assert.equal(doc.status, 200);
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      '/tenants/{tenant}/leistungen/{leikaKey}/form',
      '/drafts',
      '/drafts/{draftId}',
      '/drafts/{draftId}/attachments',
      '/submissions',
      '/submissions/{submissionId}/status',
      '/admin/fim-schemas',
      '/files/{fileId}',
    ]) {
      assert.ok(paths.includes(p), `${p} missing in ${paths.join(', ')}`);
    }
    const submit = doc.body.paths['/submissions']!.post!;
    assert.ok(submit.parameters.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'));
    assert.ok(submit.responses['422']?.content?.['application/problem+json']);
    assert.ok(doc.body.components.schemas.ProblemDto);
    assert.ok(doc.body.components.schemas.SubmissionAcceptedDto?.properties?.receipt);
  });
});
