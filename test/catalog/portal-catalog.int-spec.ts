/**
 * Issue 16 end to end between intake and routing: every real XRepository code list and every real FIM-portal
 * Stammdatenschema of `../shared/fixtures` goes through intake's admin API (the directories are looped over, so
 * a new real file is covered by dropping it in), and reaches routing's projection, which compiles each schema
 * with the code lists and pins intake accepted it with.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogSchemaPublishedV2, TOPICS } from '@amtsbote/contracts';
import { CodeListRegistry } from '@amtsbote/fim';
import { intakeService } from '@amtsbote/intake';
import { MAX_EVENT_BYTES } from '@amtsbote/messaging';
import { routingService } from '@amtsbote/routing';
import {
  devSchemaDir,
  eventually,
  EventRecorder,
  freshDatabase,
  mintToken,
  OIDC_ISSUER,
  serviceTestEnv,
  type ServiceUnderTest,
  startService,
  type TestDatabase,
  uniqueName,
} from '@amtsbote/testing';
import { type Answer, http } from '../journeys/journey';

const LIST_DIR = join(devSchemaDir(), 'codelists-xrepository');
const SCHEMA_DIR = join(devSchemaDir(), 'fim-xdf3-portal');

/** POSTs an XML document; an unexpected answer throws, naming the fixture file. */
async function postXml<T>(
  url: string,
  token: string,
  xml: Buffer,
  status: number,
  file: string,
): Promise<Answer<T>> {
  try {
    return await http<T>('POST', url, {
      token,
      body: xml,
      headers: { 'content-type': 'application/xml' },
      expect: [status],
    });
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

interface UploadedList {
  canonicalVersionUri: string;
  canonicalUri: string;
  genericodeSha256: string;
}

interface UploadedSchema {
  schemaId: string;
  version: string;
  xdfSha256: string;
  codeLists: Array<{ requested: string; canonicalUri?: string; status: string; resolved?: string }>;
  codeListPins: Record<string, string>;
}

interface Problem {
  code: string;
  errors: Array<{ path: string; elementId?: string; message: { de: string; en: string } }>;
}

/** The canonical URIs a schema's select fields name, read from the XML itself (not through our parser). */
function referencedLists(xml: string): Set<string> {
  return new Set([...xml.matchAll(/<(?:\w+:)?canonicalIdentification>([^<]+)</g)].map((m) => m[1].trim()));
}

function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  return work().then((value) => ({ value, ms: Math.round(performance.now() - started) }));
}

describe('every FIM-portal schema and XRepository code list through intake into routing', () => {
  let db: TestDatabase;
  let storage: string;
  let intake: ServiceUnderTest<unknown>;
  let routing: ServiceUnderTest<unknown>;
  let recorder: EventRecorder;
  let admin: string;
  let routingAdmin: string;
  const uploadedLists = new Map<string, UploadedList>();
  /** canonicalVersionUri -> file name in the fixture directory. */
  const listFiles = new Map<string, string>();

  before(async () => {
    db = await freshDatabase('portal_catalog');
    storage = mkdtempSync(join(tmpdir(), 'portal-catalog-'));
    const topicPrefix = `${uniqueName('portal-catalog').replace(/_/g, '-')}.`;
    const env = (extra: Record<string, string>) =>
      serviceTestEnv({ databaseUrl: db.url, topicPrefix, extra });
    intake = await startService(
      intakeService,
      env({ INTAKE_STORAGE_DIR: storage, INTAKE_MAINTENANCE_INTERVAL_SECONDS: '0' }),
    );
    routing = await startService(routingService, env({ XOEV_SCHEMA_DIR: devSchemaDir() }));
    recorder = await EventRecorder.start(topicPrefix, [TOPICS.catalog]);
    admin = await mintToken(OIDC_ISSUER, 'hb-catalog-admin');
    routingAdmin = await mintToken(OIDC_ISSUER, 'hb-routing-admin');
  });

  after(async () => {
    await recorder?.stop();
    await routing?.close();
    await intake?.close();
    await db?.drop();
    rmSync(storage, { recursive: true, force: true });
  });

  it('every XRepository list of the fixture directory uploads, and routing receives each', async () => {
    const files = readdirSync(LIST_DIR).sort();
    assert.ok(files.length > 0);
    let largest = { file: '', bytes: 0, ms: 0 };
    for (const file of files) {
      const xml = readFileSync(join(LIST_DIR, file));
      const { value: res, ms } = await timed(() =>
        postXml<UploadedList>(`${intake.url}/admin/code-lists`, admin, xml, 201, file),
      );
      assert.equal(res.body.genericodeSha256, createHash('sha256').update(xml).digest('hex'), file);
      uploadedLists.set(res.body.canonicalVersionUri, res.body);
      listFiles.set(res.body.canonicalVersionUri, file);
      if (xml.length > largest.bytes) largest = { file, bytes: xml.length, ms };
    }
    console.log(`largest code list: ${largest.file}, ${largest.bytes} bytes, uploaded in ${largest.ms} ms`);

    const received = await eventually(
      async () => {
        const r = await http<Array<{ canonicalVersionUri: string; sha256: string }>>(
          'GET',
          `${routing.url}/code-lists`,
          { token: routingAdmin },
        );
        return r.body.length >= uploadedLists.size ? r.body : undefined;
      },
      { what: 'routing to receive every code list', timeoutMs: 120_000 },
    );
    assert.deepEqual(
      received.map((r) => `${r.canonicalVersionUri}#${r.sha256}`).sort(),
      [...uploadedLists.values()].map((l) => `${l.canonicalVersionUri}#${l.genericodeSha256}`).sort(),
    );
  });

  it('every portal schema uploads (allowing unknown lists exactly where one is missing) and routing compiles each', async () => {
    assert.ok(uploadedLists.size > 0, 'the code lists were uploaded first');
    const known = new Set([
      ...[...uploadedLists.values()].map((l) => l.canonicalUri),
      ...new CodeListRegistry().list().map((l) => l.canonicalUri),
    ]);
    const files = readdirSync(SCHEMA_DIR).sort();
    const uploaded = new Map<string, UploadedSchema>();
    const needingAllowance: string[] = [];
    let largest = { file: '', bytes: 0, ms: 0 };
    for (const file of files) {
      const xml = readFileSync(join(SCHEMA_DIR, file));
      const missing = [...referencedLists(xml.toString('utf8'))].filter((uri) => !known.has(uri));
      let query = '';
      if (missing.length > 0) {
        needingAllowance.push(file);
        const refused = await postXml<Problem>(`${intake.url}/admin/fim-schemas`, admin, xml, 422, file);
        assert.equal(refused.body.code, 'fim-schema-unusable');
        for (const uri of missing) {
          assert.ok(
            refused.body.errors.some((e) => e.message.en.includes(uri) && e.elementId !== undefined),
            `${file}: the refusal names ${uri}`,
          );
        }
        query = '?allowUnknownCodeLists=true';
      }
      const { value: res, ms } = await timed(() =>
        postXml<UploadedSchema>(`${intake.url}/admin/fim-schemas${query}`, admin, xml, 201, file),
      );
      const unresolved = res.body.codeLists.filter((c) => c.status === 'missing').map((c) => c.canonicalUri);
      assert.deepEqual(new Set(unresolved), new Set(missing), `${file}: unresolved lists`);
      uploaded.set(`${res.body.schemaId}@${res.body.version}`, res.body);
      if (xml.length > largest.bytes) largest = { file, bytes: xml.length, ms };
    }
    console.log(
      `largest schema: ${largest.file}, ${largest.bytes} bytes, uploaded in ${largest.ms} ms; ` +
        `${needingAllowance.length} of ${files.length} need allowUnknownCodeLists`,
    );
    assert.ok(needingAllowance.length < files.length, 'most portal schemas compile with the fixture lists');

    const events = recorder.ofType(catalogSchemaPublishedV2);
    const sizes = events.map((e) => Buffer.byteLength(JSON.stringify(e.data)));
    assert.ok(Math.max(...sizes) <= MAX_EVENT_BYTES);
    console.log(`schema-published.v2 payloads: largest ${Math.max(...sizes)} bytes`);

    // routing has every version, with the XML intake stored and every code list the version needs.
    const projected = await eventually(
      async () => {
        const r = await http<
          Array<{ schemaId: string; version: string; xdfSha256: string; missingCodeLists: string[] }>
        >('GET', `${routing.url}/fim-schemas`, { token: routingAdmin });
        return r.body.length >= uploaded.size ? r.body : undefined;
      },
      { what: 'routing to receive every schema', timeoutMs: 120_000 },
    );
    for (const p of projected) {
      const u = uploaded.get(`${p.schemaId}@${p.version}`);
      assert.ok(u, `${p.schemaId}@${p.version} was uploaded`);
      assert.equal(p.xdfSha256, u.xdfSha256);
      assert.deepEqual(p.missingCodeLists, []);
    }
    // ... and compiles each exactly like intake: with the lists intake pinned. Nothing bundles the Kreis list, so
    // a schema selecting a Kreis compiles only with the catalog's list, and enumerates its codes.
    const kreis = [...uploadedLists.values()].find((l) => l.canonicalUri.endsWith(':kreis'));
    assert.ok(kreis, 'the fixture directory has a Kreis list');
    const kreisXml = readFileSync(join(LIST_DIR, listFiles.get(kreis.canonicalVersionUri)!), 'utf8');
    const firstKreis = /<Row>\s*<Value[^>]*>\s*<SimpleValue>([^<]+)</.exec(kreisXml)![1];
    let withKreis = 0;
    for (const u of uploaded.values()) {
      const xsd = (
        await http('GET', `${routing.url}/fim-schemas/${u.schemaId}/${encodeURIComponent(u.version)}/xsd`, {
          token: routingAdmin,
        })
      ).raw.toString('utf8');
      assert.match(xsd, /<xs:schema/);
      if (Object.values(u.codeListPins).includes(kreis.canonicalVersionUri)) {
        withKreis++;
        assert.ok(xsd.includes(`<xs:enumeration value="${firstKreis}"`), u.schemaId);
      }
    }
    assert.ok(withKreis > 0, 'some portal schemas select a Kreis');
  });
});
