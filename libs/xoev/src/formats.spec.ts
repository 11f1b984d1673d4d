import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { blaueKarte, readFixture, SCHEMA_DIR, submissionInput } from '../test/fixtures';
import { checkSchemaDir, g2gCatalog, G2G_HEADER_XSD_URL, SCHEMA_BUNDLES } from './bundles';
import {
  buildFimMessage,
  fimDataSchemaSet,
  fimDataXml,
  fimMessageSchemaSet,
  type PreparedFimSchema,
  prepareFimSchema,
} from './fim-message';
import { buildFitConnectSubmission } from './fitconnect';
import { buildFitConnectSubmissionOf, type FitConnectMetadataV2 } from './fitconnect-v2';
import { fitConnectMetadataSchema } from './json-schema';
import { Libxml2Engine, SchemaSetCache } from './libxml2-engine';
import { XmllintWasmEngine } from './reference-engines';
import type { CompiledSchemaSet, SchemaSet, ValidationReport } from './validation';
import { buildXdomeaMessage, xdomeaSchemaSet } from './xdomea';

const libxml2 = new Libxml2Engine();
const xmllint = new XmllintWasmEngine();

/** Validates with both engines and asserts they agree. */
async function bothSay(
  set: SchemaSet,
  xml: string,
): Promise<{ fast: ValidationReport; reference: ValidationReport }> {
  const fast = await (await libxml2.compile(set)).validate(xml);
  const reference = await (await xmllint.compile(set)).validate(xml);
  assert.equal(
    fast.valid,
    reference.valid,
    `libxml2-wasm says ${fast.valid}, xmllint-wasm says ${reference.valid}: ${JSON.stringify([fast.issues, reference.issues])}`,
  );
  return { fast, reference };
}

describe('XÖV messages for the BlaueKarte schema, checked by libxml2-wasm and xmllint-wasm', () => {
  let prepared: PreparedFimSchema;
  let data: Record<string, unknown>;

  before(() => {
    prepared = prepareFimSchema(blaueKarte());
    data = prepared.validator.sample();
    assert.equal(prepared.validator.validate(data).valid, true, 'the sample is valid FIM data');
  });

  it('xdomea 3.0.0 Geschäftsgang message validates against xdomea.xsd', async () => {
    const message = buildXdomeaMessage(submissionInput({ schema: prepared.schema, data }));
    const { fast } = await bothSay(xdomeaSchemaSet(SCHEMA_DIR), message.xml);
    assert.equal(fast.valid, true, JSON.stringify(fast.issues));
    assert.match(message.xml, /<xdomea:ProzessID>0b6f8f3e-4f5a-4c1e-9a51-1a2b3c4d5e6f<\/xdomea:ProzessID>/);
    assert.match(message.xml, /<xdomea:Praefix>\s*<code>psw<\/code>/);
    assert.match(message.xml, /<xdomea:Kennzeichen>HB-2026-000042<\/xdomea:Kennzeichen>/);
    assert.equal(message.attachmentFiles.length, 2);
    assert.equal(message.attachmentFiles[1].name, '6e1b2c3d-4e5f-4061-9b72-8394a5b6c7d8_passwd.jpg');
    assert.ok(message.xml.includes(`<xdomea:Dateiname>${message.antragFile.name}</xdomea:Dateiname>`));
    // The Antrag document itself is FIM-XML valid against the XSD exported from the FIM schema.
    const antrag = fimDataXml(prepared, data);
    const antragReport = await bothSay(fimDataSchemaSet(prepared), antrag);
    assert.equal(antragReport.fast.valid, true);
  });

  it('a broken xdomea message is refused by both', async () => {
    const message = buildXdomeaMessage(submissionInput({ schema: prepared.schema, data }));
    const broken = message.xml.replace(/<xdomea:ProzessID>[^<]+</, '<xdomea:ProzessID>not-a-uuid<');
    const { fast, reference } = await bothSay(xdomeaSchemaSet(SCHEMA_DIR), broken);
    assert.equal(fast.valid, false);
    assert.match(fast.issues[0].message, /ProzessID/);
    assert.equal(fast.issues[0].line, 4);
    assert.ok(reference.issues.some((i) => /ProzessID/.test(i.message)));
  });

  it('the fim-xml message (Basisnachricht G2G 1.1 header + FIM data) validates', async () => {
    const xml = buildFimMessage(prepared, submissionInput({ schema: prepared.schema, data }));
    const { fast } = await bothSay(fimMessageSchemaSet(prepared, SCHEMA_DIR), xml);
    assert.equal(fast.valid, true, JSON.stringify(fast.issues));
    assert.match(xml, /<nachrichtenUUID>0b6f8f3e-4f5a-4c1e-9a51-1a2b3c4d5e6f<\/nachrichtenUUID>/);
    assert.match(xml, /<verzeichnisdienst listVersionID="2">\s*<code>DVDV<\/code>/);
    assert.match(xml, /<kennung>psw:04011000<\/kennung>/);
    assert.match(xml, /<S00000121 xmlns="urn:amtsbote:fim:S00000121_1\.0">/);
  });

  it('a fim-xml message with broken FIM data or a broken header is refused by both', async () => {
    const set = fimMessageSchemaSet(prepared, SCHEMA_DIR);
    const xml = buildFimMessage(prepared, submissionInput({ schema: prepared.schema, data }));
    const badData = xml.replace(/<F00000013>[^<]*<\/F00000013>/, '<F99999999>x</F99999999>');
    assert.notEqual(badData, xml);
    assert.equal((await bothSay(set, badData)).fast.valid, false);
    const badHeader = xml.replace(/<nachrichtenUUID>[^<]+</, '<nachrichtenUUID>123<');
    const { fast } = await bothSay(set, badHeader);
    assert.equal(fast.valid, false);
    assert.match(fast.issues.map((i) => i.message).join(' '), /nachrichtenUUID/);
  });

  it('FIT-Connect metadata validates against metadata.schema.v1.0.0.json; a broken one does not', () => {
    const schema = fitConnectMetadataSchema(SCHEMA_DIR);
    const submission = buildFitConnectSubmission(
      submissionInput({
        schema: prepared.schema,
        data,
        payment: {
          transactionId: 'tx-4711',
          transactionReference: 'HB-2026-000042',
          paymentMethod: 'CREDITCARD',
          status: 'BOOKED',
          grossAmount: 75,
        },
      }),
      { replyHost: 'https://routing.example.org' },
    );
    const ok = schema.validate(submission.metadata);
    assert.equal(ok.valid, true, JSON.stringify(ok.issues));
    assert.equal(submission.metadata.contentStructure.attachments.length, 2);
    assert.equal(
      submission.metadata.publicServiceType.identifier,
      'urn:de:fim:leika:leistung:99010001001000',
    );
    const broken = structuredClone(submission.metadata);
    broken.contentStructure.data.hash.content = 'XYZ';
    const bad = schema.validate(broken);
    assert.equal(bad.valid, false);
    assert.ok(bad.issues.some((i) => i.path === '/contentStructure/data/hash/content'));
  });

  it('FIT-Connect metadata 2.1.0 validates against metadata.schema.v2.1.0.json, with BundID references and consent', () => {
    const schema = fitConnectMetadataSchema(SCHEMA_DIR, '2.1.0');
    const input = submissionInput({ schema: prepared.schema, data });
    const plain = buildFitConnectSubmissionOf('2.1.0', input, { replyHost: 'https://routing.example.org' });
    const report = schema.validate(plain.metadata);
    assert.equal(report.valid, true, JSON.stringify(report.issues));
    assert.equal(fitConnectMetadataSchema(SCHEMA_DIR, '1.0.0').validate(plain.metadata).valid, true);
    const withId = buildFitConnectSubmissionOf('2.1.0', input, {
      idBundDe: {
        mailboxUuid: 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b',
        applicationId: '0b8f9e7d-6c5b-4a39-8281-7a6b5c4d3e2f',
        digitalBescheidConsent: false,
      },
    }).metadata as FitConnectMetadataV2;
    assert.equal(schema.validate(withId).valid, true);
    assert.deepEqual(withId.replyChannel, {
      idBundDeMailbox: { mailboxUuid: 'a3f1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b' },
    });
    assert.equal(withId.additionalReferenceInfo.zustimmungZumDigitalenBescheid, false);
    // What 1.0.0 has and 2.1.0 lacks fails the 2.1.0 schema: $schema is required.
    const v1 = buildFitConnectSubmissionOf('1.0.0', input).metadata;
    assert.equal(schema.validate(v1).valid, false);
  });

  it('validates in well under a millisecond once compiled (median of 200)', async () => {
    const cache = new SchemaSetCache();
    const compiled = await cache.get(fimMessageSchemaSet(prepared, SCHEMA_DIR));
    const xml = buildFimMessage(prepared, submissionInput({ schema: prepared.schema, data }));
    for (let i = 0; i < 20; i++) compiled.validateSync(xml);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) times.push(compiled.validateSync(xml).durationMs);
    times.sort((a, b) => a - b);
    assert.ok(times[100] < 1, `median ${times[100]} ms`);
    assert.equal(
      await cache.get(fimMessageSchemaSet(prepared, SCHEMA_DIR)),
      compiled,
      'compiled once, reused',
    );
    await cache.dispose();
  });
});

describe('schema sets, catalog and bundles', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'xoev-spec-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('resolves the official header URL through the catalog', () => {
    const catalog = g2gCatalog(SCHEMA_DIR);
    assert.equal(
      catalog.get(G2G_HEADER_XSD_URL),
      pathToFileURL(join(SCHEMA_DIR, 'xoev-xwasser/schemas/remote/0fd6e3cbcdf3573e93d05085f352b4ac')).href,
    );
  });

  it('validates the XWasser fixtures through the catalog and catches the broken one (both engines)', async () => {
    const set: SchemaSet = {
      id: 'xwasser-1.0.0',
      entry: pathToFileURL(join(SCHEMA_DIR, 'xoev-xwasser/schemas/V1_0_0/xwasser.xsd')).href,
      directories: [join(SCHEMA_DIR, 'xoev-xwasser/schemas')],
      catalog: g2gCatalog(SCHEMA_DIR),
    };
    const good = readFixture('xoev-xwasser', 'tests', 'administration_receipt.xml').toString('utf8');
    assert.equal((await bothSay(set, good)).fast.valid, true);
    const bad = readFixture('xoev-xwasser', 'tests', 'monitoring_plan_minimal.xml').toString('utf8');
    assert.equal((await bothSay(set, bad)).fast.valid, false);
  });

  it('never loads a schema from outside the set: not the network, not another directory', async () => {
    const outside = join(tmp, 'outside.xsd');
    writeFileSync(
      outside,
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:o"><xs:element name="o"/></xs:schema>',
    );
    const entry = 'file:///amtsbote-generated/probe.xsd';
    const xsd = (location: string) =>
      `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:o="urn:o" targetNamespace="urn:p" elementFormDefault="qualified">
        <xs:import namespace="urn:o" schemaLocation="${location}"/>
        <xs:element name="p"><xs:complexType><xs:sequence><xs:element ref="o:o"/></xs:sequence></xs:complexType></xs:element>
      </xs:schema>`;
    const doc = '<p xmlns="urn:p"><o xmlns="urn:o"/></p>';
    for (const location of [pathToFileURL(outside).href, 'http://127.0.0.1:9/o.xsd']) {
      const set: SchemaSet = {
        id: `probe-${location}`,
        entry,
        directories: [],
        documents: new Map([[entry, xsd(location)]]),
      };
      let compiled: CompiledSchemaSet | undefined;
      try {
        compiled = await libxml2.compile(set);
      } catch {
        continue; // refusing to compile is fine too
      }
      assert.equal((await compiled.validate(doc)).valid, false, `${location} must not have been loaded`);
    }
    // The same file is fine when its directory belongs to the set.
    const allowed: SchemaSet = {
      id: 'probe-allowed',
      entry,
      directories: [tmp],
      documents: new Map([[entry, xsd(pathToFileURL(outside).href)]]),
    };
    assert.equal((await (await libxml2.compile(allowed)).validate(doc)).valid, true);
  });

  it('names the missing bundle, where it was looked for and where to get it', () => {
    writeFileSync(join(tmp, 'something'), 'x');
    const missing = checkSchemaDir(tmp);
    assert.deepEqual(
      missing.map((m) => m.bundle.id),
      Object.values(SCHEMA_BUNDLES).map((b) => b.id),
    );
    assert.match(missing[0].message, new RegExp(`xdomea-3.0.0 .* is missing in ${tmp}`));
    assert.match(missing[0].message, /Get it from .*xdomea_toolkit/);
    assert.deepEqual(checkSchemaDir(SCHEMA_DIR), []);
  });
});
