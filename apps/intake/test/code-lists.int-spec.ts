import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  catalogCodeListPublishedV1,
  catalogSchemaPublishedV2,
  fromInlineDocument,
  TOPICS,
} from '@amtsbote/contracts';
import { EventRecorder, eventually } from '@amtsbote/testing';
import type { AuditEntryDto } from '../src/audit/audit.dto';
import type { CodeListDetailDto, CodeListDto } from '../src/code-lists/code-lists.dto';
import type { DraftDto } from '../src/drafts/drafts.dto';
import type { FimSchemaDto } from '../src/fim-schemas/fim-schemas.dto';
import { call, type IntakeUnderTest, sharedFixture, sharedFixturePath, startIntake, TENANT } from './harness';

const ADMIN = 'hb-catalog-admin';
const STAAT = 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat';
const STAAT_2024 = `${STAAT}_2024-08-01`;
const STAAT_2099 = `${STAAT}_2099-01-01`;
const STAATSANGEHOERIGKEIT = 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit';
const KREIS = 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:kreis';
/** The Staat select of the Jägerprüfung's foreign address, a JSON Pointer into the data. */
const JAGD_STAAT = '/G07000002577/G07000002558/G60000000091/F60000000261';
const JAGD_LEIKA = '99050012104001';

const LIST_DIR = sharedFixturePath('codelists-xrepository');

/** The XRepository list of the fixture directory with this canonical URI (found by content, not by name). */
function listFile(canonicalUri: string): { file: string; xml: string } {
  for (const name of readdirSync(LIST_DIR)) {
    const xml = readFileSync(path.join(LIST_DIR, name), 'utf8');
    if (xml.includes(`<CanonicalUri>${canonicalUri}</CanonicalUri>`)) return { file: name, xml };
  }
  throw new Error(`no list ${canonicalUri} in ${LIST_DIR}`);
}

function portalSchema(id: string): string {
  return sharedFixture('fim-xdf3-portal', `${id}.xml`);
}

/** `value` at a JSON Pointer whose groups are single objects (as on the Jägerprüfung's address path). */
function dataAt(pointer: string, value: unknown): Record<string, unknown> {
  const keys = pointer.split('/').slice(1);
  let node: unknown = value;
  for (const key of keys.reverse()) node = { [key]: node };
  return node as Record<string, unknown>;
}

const enc = encodeURIComponent;

describe('intake code lists: upload, resolution, pins, delete', () => {
  let intake: IntakeUnderTest;
  let base: string;
  let recorder: EventRecorder;
  const staat = listFile(STAAT);

  before(async () => {
    intake = await startIntake('codelists');
    base = intake.url;
    recorder = await EventRecorder.start(intake.topicPrefix, [TOPICS.catalog]);
  });

  after(async () => {
    await recorder.stop();
    await intake.close();
  });

  it('stores a real XRepository list once per version, lists it, serves it back and audit-logs it', async () => {
    const post = (as?: string, raw = staat.xml) =>
      call<CodeListDto>(base, 'POST', '/admin/code-lists', { as, raw });
    assert.equal((await post()).status, 401);
    assert.equal((await post('anna')).status, 403);
    assert.equal((await post('operator')).status, 403);

    const first = await post(ADMIN);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.canonicalVersionUri, STAAT_2024);
    assert.equal(first.body.canonicalUri, STAAT);
    assert.equal(first.body.version, '2024-08-01');
    assert.equal(first.body.rowCount, staat.xml.match(/<Row>/g)?.length);
    assert.equal(first.body.genericodeBytes, Buffer.byteLength(staat.xml));
    assert.equal(first.body.uploadedByTenant, TENANT);

    // FIM is national: another tenant's admin uploading the same version changes nothing.
    const again = await post('nw-catalog-admin');
    assert.equal(again.status, 200);
    assert.equal(again.body.genericodeSha256, first.body.genericodeSha256);
    assert.equal(again.body.uploadedByTenant, TENANT);
    const changed = await post(
      ADMIN,
      staat.xml.replace(
        '<SimpleValue>Deutschland</SimpleValue>',
        '<SimpleValue>Deutschland (geändert)</SimpleValue>',
      ),
    );
    assert.equal(changed.status, 409);
    assert.equal(changed.body.code, 'code-list-immutable');
    assert.match(changed.body.title, /Codelistenversion/);

    const listed = await call<CodeListDto[]>(base, 'GET', '/admin/code-lists', { as: 'nw-catalog-admin' });
    assert.deepEqual(
      listed.body.map((l) => l.canonicalVersionUri),
      [STAAT_2024],
    );
    assert.ok(!('genericodeGzip' in listed.body[0]), 'the list carries no content');
    const filtered = await call<CodeListDto[]>(base, 'GET', `/admin/code-lists?canonicalUri=${enc(KREIS)}`, {
      as: ADMIN,
    });
    assert.deepEqual(filtered.body, []);
    const one = await call<CodeListDetailDto>(base, 'GET', `/admin/code-lists/${enc(STAAT_2024)}`, {
      as: ADMIN,
    });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.usedBy, []);
    const download = await call(base, 'GET', `/admin/code-lists/${enc(STAAT_2024)}/genericode`, {
      as: ADMIN,
    });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type') ?? '', /application\/xml/);
    assert.equal(download.body, staat.xml);
    const unknown = await call(base, 'GET', `/admin/code-lists/${enc(`${STAAT}_1900-01-01`)}`, { as: ADMIN });
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/problem\+json/);

    const events = await eventually(
      async () => {
        const e = recorder.ofType(catalogCodeListPublishedV1, STAAT_2024);
        return e.length > 0 ? e : undefined;
      },
      { what: 'the code-list-published event' },
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(recorder.ofType(catalogCodeListPublishedV1, STAAT_2024).length, 1);
    assert.equal(fromInlineDocument(events[0].data.genericode).toString('utf8'), staat.xml);
    assert.ok(events[0].data.genericode.gzip.length < staat.xml.length / 5, 'the list travels compressed');

    const audit = await call<AuditEntryDto[]>(base, 'GET', `/admin/tenants/${TENANT}/audit-log`, {
      as: ADMIN,
    });
    assert.deepEqual(
      audit.body.filter((a) => a.action.startsWith('code-list.')).map((a) => [a.action, a.target]),
      [['code-list.upload', `code-list:${STAAT_2024}`]],
    );
  });

  it("refuses what is not a usable genericode list with the parser's issues, and what is too large", async () => {
    const post = (raw: string, contentType?: string) =>
      call(base, 'POST', '/admin/code-lists', { as: ADMIN, raw, contentType });
    const broken = await post(
      '<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">\n<a>',
    );
    assert.equal(broken.status, 422);
    assert.equal(broken.body.code, 'code-list-invalid');
    const issue = broken.body.errors[0] as (typeof broken.body.errors)[number] & { line?: number };
    assert.equal(typeof issue.line, 'number');
    assert.notEqual(issue.message.de, issue.message.en);

    const schemaInstead = await post(portalSchema('S07000000201'));
    assert.equal(schemaInstead.status, 422);
    assert.match(schemaInstead.body.errors[0].message.en, /genericode <CodeList>/);
    assert.match(schemaInstead.body.errors[0].message.de, /genericode-<CodeList>/);
    const noIdentification = await post(staat.xml.replace(/<Identification>[\s\S]*<\/Identification>/, ''));
    assert.equal(noIdentification.status, 422);
    assert.match(noIdentification.body.errors[0].message.en, /missing <Identification>/);
    const entity = await post(
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`,
    );
    assert.equal(entity.status, 422);
    assert.doesNotMatch(JSON.stringify(entity.body), /root:/);
    const json = await call(base, 'POST', '/admin/code-lists', { as: ADMIN, body: { xml: staat.xml } });
    assert.equal(json.status, 415);

    // Random codes do not compress: 2.6 MB of them exceed what one catalog event may carry.
    const rows = Array.from(
      { length: 20_000 },
      (_, i) =>
        `<Row><Value ColumnRef="code"><SimpleValue>${i}</SimpleValue></Value><Value ColumnRef="name"><SimpleValue>${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}</SimpleValue></Value></Row>`,
    );
    const incompressible = `<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/"><Identification><ShortName>zufall</ShortName><Version>1</Version><CanonicalUri>urn:test:zufall</CanonicalUri><CanonicalVersionUri>urn:test:zufall_1</CanonicalVersionUri></Identification><ColumnSet><Column Id="code" Use="required"/><Column Id="name" Use="required"/><Key Id="k"><ColumnRef Ref="code"/></Key></ColumnSet><SimpleCodeList>${rows.join('')}</SimpleCodeList></gc:CodeList>`;
    const tooLargeToPassOn = await post(incompressible);
    assert.equal(tooLargeToPassOn.status, 413);
    assert.equal(tooLargeToPassOn.body.code, 'code-list-too-large-for-routing');
    assert.match(String(tooLargeToPassOn.body.detail), /urn:test:zufall_1/);

    const huge = await post(`<a>${'x'.repeat(17 * 1024 * 1024)}</a>`);
    assert.equal(huge.status, 413);
    const stored = await call<CodeListDto[]>(base, 'GET', '/admin/code-lists', { as: ADMIN });
    assert.deepEqual(
      stored.body.map((l) => l.canonicalVersionUri),
      [STAAT_2024],
    );
  });

  it('resolves a portal schema to the newest stored list version, pins it, and refuses that when strict', async () => {
    const xdf = portalSchema('S07000000201');
    const strict = await call(base, 'POST', '/admin/fim-schemas?codeListVersions=exact', {
      as: ADMIN,
      raw: xdf,
    });
    assert.equal(strict.status, 422);
    assert.equal(strict.body.code, 'fim-schema-unusable');
    assert.deepEqual(
      strict.body.errors.map((e) => [e.path, e.elementId]),
      [[JAGD_STAAT, 'F60000000261']],
    );
    assert.match(strict.body.errors[0].message.de, /staat_2023-02-24.*strenge Einstellung/);
    const bogus = await call(base, 'POST', '/admin/fim-schemas?codeListVersions=latest', {
      as: ADMIN,
      raw: xdf,
    });
    assert.equal(bogus.status, 400);
    assert.deepEqual(
      bogus.body.errors.map((e) => e.path),
      ['/codeListVersions'],
    );

    const uploaded = await call<FimSchemaDto>(base, 'POST', '/admin/fim-schemas', { as: ADMIN, raw: xdf });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    const requested = `${STAAT}_2023-02-24`;
    assert.deepEqual(uploaded.body.codeListPins, { [requested]: STAAT_2024 });
    const warning = uploaded.body.warnings.find((w) => w.code === 'CODE_LIST_NEWER_VERSION');
    assert.ok(warning, JSON.stringify(uploaded.body.warnings));
    assert.deepEqual(warning.codeList, {
      requested,
      canonicalUri: STAAT,
      version: '2023-02-24',
      status: 'newest',
      resolved: STAAT_2024,
      resolvedVersion: '2024-08-01',
      fields: ['F60000000261'],
    });
    assert.match(warning.message, /2023-02-24.*2024-08-01.*F60000000261/);
    const stored = await call<FimSchemaDto>(
      base,
      'GET',
      `/admin/fim-schemas/S07000000201/${uploaded.body.version}`,
      {
        as: ADMIN,
      },
    );
    assert.deepEqual(stored.body.warnings, uploaded.body.warnings);

    const [event] = await eventually(
      async () => {
        const e = recorder.ofType(catalogSchemaPublishedV2, `S07000000201@${uploaded.body.version}`);
        return e.length > 0 ? e : undefined;
      },
      { what: 'the schema-published event' },
    );
    assert.deepEqual(event.data.codeListPins, { [requested]: STAAT_2024 });
    assert.deepEqual(event.data.codeLists, [
      { canonicalVersionUri: STAAT_2024, sha256: (await listSummary(STAAT_2024)).genericodeSha256 },
    ]);
    assert.equal(event.data.allowUnknownCodeLists, false);

    const used = await call<CodeListDetailDto>(base, 'GET', `/admin/code-lists/${enc(STAAT_2024)}`, {
      as: ADMIN,
    });
    assert.deepEqual(used.body.usedBy, [{ schemaId: 'S07000000201', version: uploaded.body.version }]);
    const refused = await call(base, 'DELETE', `/admin/code-lists/${enc(STAAT_2024)}`, { as: ADMIN });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'code-list-in-use');
    assert.deepEqual(refused.body.usedBy, used.body.usedBy);
    assert.match(String(refused.body.detail), /S07000000201/);
  });

  it('keeps a stored schema on its pinned list version after a newer one arrives, on every replica', async () => {
    // A newer Staat list without Deutschland: schemas uploaded from now on use it, the stored one does not.
    const newer = staat.xml
      .replaceAll('2024-08-01', '2099-01-01')
      .replace(
        /<Row>\s*<Value ColumnRef="schluessel-staat">\s*<SimpleValue>000<\/SimpleValue>[\s\S]*?<\/Row>/,
        '',
      );
    assert.equal((await call(base, 'POST', '/admin/code-lists', { as: ADMIN, raw: newer })).status, 201);

    await call(base, 'PUT', `/admin/tenants/${TENANT}`, {
      as: ADMIN,
      body: { kind: 'LAND', name: 'Freie Hansestadt Bremen', ars: '04' },
    });
    const jagd = await call<FimSchemaDto[]>(base, 'GET', '/admin/fim-schemas', { as: ADMIN });
    const version = jagd.body.find((s) => s.schemaId === 'S07000000201')!.version;
    const leistung = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${JAGD_LEIKA}`, {
      as: ADMIN,
      body: {
        names: { de: 'Zulassung zur Jägerprüfung' },
        fimSchema: { id: 'S07000000201', version },
        minTrustLevel: 0,
        anonymousAllowed: true,
        regions: ['04'],
      },
    });
    assert.equal(leistung.status, 200, JSON.stringify(leistung.body));

    // A fresh process compiles the schema from the database: still the pinned 2024 list, with Deutschland.
    const replica = await intake.replica();
    const draft = async (code: string) =>
      call<DraftDto>(replica.url, 'POST', '/drafts', {
        body: { tenant: TENANT, leikaKey: JAGD_LEIKA, data: dataAt(JAGD_STAAT, code) },
      });
    const germany = await draft('000');
    assert.equal(germany.status, 201, JSON.stringify(germany.body));
    assert.deepEqual(germany.body.fieldErrors, []);
    const invalid = await draft('998');
    assert.deepEqual(
      invalid.body.fieldErrors.map((e) => [e.path, e.code]),
      [[`/data${JAGD_STAAT}`, 'code']],
    );

    // Another schema asking for the same list version is uploaded now and resolves to the newer one.
    const later = await call<FimSchemaDto>(replica.url, 'POST', '/admin/fim-schemas', {
      as: ADMIN,
      raw: portalSchema('S00000000362'),
    });
    assert.equal(later.status, 201, JSON.stringify(later.body));
    assert.deepEqual(Object.values(later.body.codeListPins), [STAAT_2099]);
    const stillDelete = await call(base, 'DELETE', `/admin/code-lists/${enc(STAAT_2099)}`, { as: ADMIN });
    assert.equal(stillDelete.status, 409);

    // A list no schema uses can go; its version can then be uploaded again.
    const sa = listFile(STAATSANGEHOERIGKEIT).xml;
    const saUri = `${STAATSANGEHOERIGKEIT}_2024-08-01`;
    assert.equal((await call(base, 'POST', '/admin/code-lists', { as: ADMIN, raw: sa })).status, 201);
    assert.equal((await call(base, 'DELETE', `/admin/code-lists/${enc(saUri)}`, { as: 'anna' })).status, 403);
    assert.equal((await call(base, 'DELETE', `/admin/code-lists/${enc(saUri)}`, { as: ADMIN })).status, 204);
    assert.equal((await call(base, 'GET', `/admin/code-lists/${enc(saUri)}`, { as: ADMIN })).status, 404);
    assert.equal((await call(base, 'DELETE', `/admin/code-lists/${enc(saUri)}`, { as: ADMIN })).status, 404);
    const audit = await call<AuditEntryDto[]>(base, 'GET', `/admin/tenants/${TENANT}/audit-log`, {
      as: ADMIN,
    });
    assert.equal(audit.body[0].action, 'code-list.delete');
    assert.equal(audit.body[0].target, `code-list:${saUri}`);
  });

  it('refuses unknown lists unless allowed, takes INTAKE_CODELIST_DIR as an extra source, and can be strict', async () => {
    // Staatsangehörigkeit (bundled in an older version) and Registergerichte, which no one uploaded.
    const handelsregister = portalSchema('S05000001195');
    const refused = await call(base, 'POST', '/admin/fim-schemas', { as: ADMIN, raw: handelsregister });
    assert.equal(refused.status, 422);
    assert.ok(refused.body.errors.every((e) => /registergerichte/.test(e.message.en) && e.elementId));
    const allowed = await call<FimSchemaDto>(base, 'POST', '/admin/fim-schemas?allowUnknownCodeLists=true', {
      as: ADMIN,
      raw: handelsregister,
    });
    assert.equal(allowed.status, 201);
    assert.deepEqual(allowed.body.codeLists.map((c) => [c.requested.split(':').pop(), c.status]).sort(), [
      ['registergerichte_14', 'missing'],
      ['staatsangehoerigkeit_2023-02-24', 'newest'],
    ]);

    // The Kreis list only in a replica's code-list directory: it resolves there and travels to routing.
    const dir = mkdtempSync(path.join(tmpdir(), 'intake-codelists-'));
    try {
      copyFileSync(path.join(LIST_DIR, listFile(KREIS).file), path.join(dir, 'kreis.xml'));
      const kreisSchema = portalSchema('S07000000259');
      const withoutDir = await call(base, 'POST', '/admin/fim-schemas', { as: ADMIN, raw: kreisSchema });
      assert.equal(withoutDir.status, 422);
      const replica = await intake.replica({ INTAKE_CODELIST_DIR: dir });
      const withDir = await call<FimSchemaDto>(replica.url, 'POST', '/admin/fim-schemas', {
        as: ADMIN,
        raw: kreisSchema,
      });
      assert.equal(withDir.status, 201, JSON.stringify(withDir.body));
      const kreis = withDir.body.codeLists.find((c) => c.canonicalUri === KREIS);
      assert.equal(kreis?.status, 'newest');
      const kreisUri = kreis.resolved!;
      const [listEvent] = await eventually(
        async () => {
          const e = recorder.ofType(catalogCodeListPublishedV1, kreisUri);
          return e.length > 0 ? e : undefined;
        },
        { what: "the directory list's code-list-published event" },
      );
      const [schemaEvent] = recorder.ofType(catalogSchemaPublishedV2, `S07000000259@${withDir.body.version}`);
      assert.deepEqual(
        schemaEvent.data.codeLists.find((c) => c.canonicalVersionUri === kreisUri),
        { canonicalVersionUri: kreisUri, sha256: listEvent.data.genericode.sha256 },
      );

      const strict = await intake.replica({ INTAKE_CODELIST_VERSIONS: 'exact' });
      const exact = await call(strict.url, 'POST', '/admin/fim-schemas', {
        as: ADMIN,
        raw: portalSchema('S00000000380'),
      });
      assert.equal(exact.status, 422);
      const relaxed = await call(strict.url, 'POST', '/admin/fim-schemas?codeListVersions=newest', {
        as: ADMIN,
        raw: portalSchema('S00000000380'),
      });
      assert.equal(relaxed.status, 400);
      assert.equal(relaxed.body.errors[0].path, '/codeListVersions');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function listSummary(uri: string): Promise<CodeListDto> {
    return (await call<CodeListDto>(base, 'GET', `/admin/code-lists/${enc(uri)}`, { as: ADMIN })).body;
  }
});
