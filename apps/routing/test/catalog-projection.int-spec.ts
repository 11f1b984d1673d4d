/**
 * Routing's projection of the catalog when events arrive out of order: a schema-published.v2 whose code lists
 * have not arrived waits (GET /fim-schemas and the XSD name the missing lists), and compiles with intake's pins
 * once code-list-published brings them. Built from real fixtures: the first FIM-portal schema (by file name)
 * that selects from an XRepository list of `../shared/fixtures/codelists-xrepository` which is not bundled.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  catalogCodeListPublishedV1,
  catalogSchemaPublishedV1,
  catalogSchemaPublishedV2,
  sha256Hex,
  toInlineDocument,
} from '@amtsbote/contracts';
import {
  type CodeList,
  CodeListRegistry,
  compileValidator,
  parseGenericode,
  parseSchema,
} from '@amtsbote/fim';
import { eventually, publishTestEvent } from '@amtsbote/testing';
import { api, type RoutingUnderTest, SCHEMA_DIR, startRouting, tokens } from './harness';

interface FixtureList {
  list: CodeList;
  genericode: Buffer;
}

interface Problem {
  code: string;
  details: { de: string; en: string };
  missingCodeLists?: string[];
}

/** The fixture lists that do not ship with @amtsbote/fim, by canonicalVersionUri. */
function fixtureLists(): Map<string, FixtureList> {
  const bundled = new Set(new CodeListRegistry().list().map((l) => l.canonicalVersionUri));
  const dir = join(SCHEMA_DIR, 'codelists-xrepository');
  const out = new Map<string, FixtureList>();
  for (const file of readdirSync(dir).sort()) {
    const genericode = readFileSync(join(dir, file));
    const list = parseGenericode(genericode, file);
    if (!bundled.has(list.canonicalVersionUri)) out.set(list.canonicalVersionUri, { list, genericode });
  }
  return out;
}

/** The first portal schema using fixture lists, compiled as intake would: its pins and the lists it needs. */
function portalSchemaWithFixtureLists(lists: Map<string, FixtureList>) {
  const registry = new CodeListRegistry();
  for (const { list } of lists.values()) registry.add(list);
  const dir = join(SCHEMA_DIR, 'fim-xdf3-portal');
  for (const file of readdirSync(dir).sort()) {
    const xdf = readFileSync(join(dir, file), 'utf8');
    const schema = parseSchema(xdf);
    const plan = compileValidator(schema, { codeLists: registry, allowUnknownCodeLists: true }).plan;
    const pins: Record<string, string> = {};
    for (const c of plan.codeLists) if (c.resolved !== undefined) pins[c.requested] = c.resolved;
    const needed = [...new Set(Object.values(pins))].filter((uri) => lists.has(uri));
    if (needed.length === 0) continue;
    return {
      file,
      xdf,
      schemaId: schema.meta.id,
      version: schema.meta.version ?? '',
      pins,
      allowUnknownCodeLists: plan.codeLists.some((c) => c.status === 'missing'),
      needed: needed.map((uri) => lists.get(uri)!),
    };
  }
  throw new Error(`no portal schema in ${dir} selects from a fixture code list`);
}

describe('routing: a schema whose code lists have not arrived waits for them', () => {
  let r: RoutingUnderTest;
  let admin: string;

  before(async () => {
    r = await startRouting('catalog-projection');
    admin = await tokens.admin('operator');
  });

  after(async () => {
    await r?.close();
  });

  it('names the missing lists, then compiles with the pins once the lists arrive', async () => {
    const s = portalSchemaWithFixtureLists(fixtureLists());
    const xsdUrl = `/fim-schemas/${s.schemaId}/${encodeURIComponent(s.version)}/xsd`;
    const unknown = await api<Problem>(r.url, 'GET', xsdUrl, admin);
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.body.code, 'fim-schema-not-ready');
    assert.deepEqual(unknown.body.missingCodeLists, []);

    await publishTestEvent({
      topicPrefix: r.topicPrefix,
      contract: catalogSchemaPublishedV2,
      subject: s.schemaId,
      id: randomUUID(),
      data: {
        schemaId: s.schemaId,
        version: s.version,
        name: s.file,
        generation: 'xdf3',
        publishedAt: new Date().toISOString(),
        xdf: toInlineDocument(s.xdf),
        allowUnknownCodeLists: s.allowUnknownCodeLists,
        codeListPins: s.pins,
        codeLists: s.needed.map((n) => ({
          canonicalVersionUri: n.list.canonicalVersionUri,
          sha256: sha256Hex(n.genericode),
        })),
      },
    });
    const expectedMissing = s.needed.map((n) => n.list.canonicalVersionUri).sort();
    const listed = await eventually(
      async () => {
        const res = await api<Array<{ schemaId: string; xdfSha256: string; missingCodeLists: string[] }>>(
          r.url,
          'GET',
          '/fim-schemas',
          admin,
        );
        return res.body.find((x) => x.schemaId === s.schemaId);
      },
      { what: 'routing to store the schema version' },
    );
    assert.deepEqual([...listed.missingCodeLists].sort(), expectedMissing);
    assert.equal(listed.xdfSha256, sha256Hex(s.xdf));
    const waiting = await api<Problem>(r.url, 'GET', xsdUrl, admin);
    assert.equal(waiting.status, 404, waiting.text);
    assert.deepEqual([...(waiting.body.missingCodeLists ?? [])].sort(), expectedMissing);
    assert.match(waiting.body.details.de, /wartet auf Codelisten/);

    for (const n of s.needed) {
      await publishTestEvent({
        topicPrefix: r.topicPrefix,
        contract: catalogCodeListPublishedV1,
        subject: n.list.canonicalVersionUri,
        id: randomUUID(),
        data: {
          canonicalUri: n.list.canonicalUri,
          version: n.list.version,
          canonicalVersionUri: n.list.canonicalVersionUri,
          genericode: toInlineDocument(n.genericode),
          publishedAt: new Date().toISOString(),
        },
      });
    }
    const xsd = await eventually(
      async () => {
        const res = await api<string>(r.url, 'GET', xsdUrl, admin);
        return res.status === 200 ? res.text : undefined;
      },
      { what: 'the schema to compile once its code lists arrived' },
    );
    // The XSD enumerates the codes of the lists the schema was pinned to.
    for (const n of s.needed) {
      const codes = n.list.rows.map((row) => row[n.list.codeColumn]).filter((c) => c !== undefined);
      assert.ok(codes.length > 0, `${n.list.canonicalVersionUri} has codes`);
      const missing = codes.filter((c) => !xsd.includes(`<xs:enumeration value="${c}"`));
      assert.deepEqual(missing, [], `codes of ${n.list.canonicalVersionUri} the XSD does not enumerate`);
    }
    const received = await api<Array<{ canonicalVersionUri: string }>>(r.url, 'GET', '/code-lists', admin);
    assert.deepEqual(
      received.body.map((l) => l.canonicalVersionUri).sort(),
      expectedMissing,
      'routing lists the code lists it received',
    );
  });

  it('answers 422 for a schema version that cannot be used, and only admins see schemas', async () => {
    await publishTestEvent({
      topicPrefix: r.topicPrefix,
      contract: catalogSchemaPublishedV1,
      subject: 'S99999999',
      id: randomUUID(),
      data: {
        schemaId: 'S99999999',
        version: '1.0',
        xdf: '<not-a-fim-schema/>',
        publishedAt: new Date().toISOString(),
      },
    });
    const res = await eventually(
      async () => {
        const a = await api<Problem>(r.url, 'GET', '/fim-schemas/S99999999/1.0/xsd', admin);
        return a.status === 404 ? undefined : a;
      },
      { what: 'routing to store the unusable schema version' },
    );
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.code, 'fim-schema-unusable');
    const citizen = await api(r.url, 'GET', '/fim-schemas/S99999999/1.0/xsd', await tokens.admin('anna'));
    assert.equal(citizen.status, 403);
  });
});
