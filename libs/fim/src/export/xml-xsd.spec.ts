import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { validInstance } from '../../test/arbitraries';
import { BLAUE_KARTE, clone, readFixture } from '../../test/helpers';
import { XDF3_FULL } from '../../test/samples';
import { FimExportError } from '../errors';
import { parseSchema } from '../parser/parse-schema';
import { compileValidator } from '../validator/compile';
import { toXml } from './xml';
import { toXsd } from './xsd';

type Libxml = typeof import('libxml2-wasm');

/** In-process XSD validation with libxml2-wasm; returns the error text or `undefined` when valid. */
function xsdValidator(lib: Libxml, xsd: string): { check(xml: string): string | undefined; dispose(): void } {
  const schemaDoc = lib.XmlDocument.fromString(xsd);
  const validator = lib.XsdValidator.fromDoc(schemaDoc);
  return {
    check(xml: string): string | undefined {
      const doc = lib.XmlDocument.fromString(xml);
      try {
        validator.validate(doc);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      } finally {
        doc.dispose();
      }
    },
    dispose(): void {
      validator.dispose();
      schemaDoc.dispose();
    },
  };
}

const blaueKarte = compileValidator(parseSchema(readFixture(...BLAUE_KARTE)));
const full = compileValidator(parseSchema(XDF3_FULL));

describe('toXml and toXsd', () => {
  let lib: Libxml;
  before(async () => {
    lib = await import('libxml2-wasm');
  });

  describe('BlaueKarte', () => {
    let xsd: ReturnType<typeof xsdValidator>;
    before(() => {
      xsd = xsdValidator(lib, blaueKarte.toXsd());
    });
    after(() => xsd.dispose());

    it('exports a valid XSD that the sample XML satisfies (xmllint-wasm)', async () => {
      const xml = blaueKarte.toXml(blaueKarte.sample());
      const result = await validateXML({
        xml: [{ fileName: 'data.xml', contents: xml }],
        schema: [blaueKarte.toXsd()],
      });
      assert.equal(result.valid, true, JSON.stringify(result.errors));
    });

    it('writes elements named by FIM ids, nested and ordered as in the schema', () => {
      const data = clone(blaueKarte.sample()) as Record<string, Record<string, unknown>>;
      // Data key order must not matter.
      const person = data.G00000630;
      data.G00000630 = Object.fromEntries(Object.entries(person).reverse());
      data.G00000630.F00000013 = 'Müller & <Söhne>';
      data.G00000642.F00000728 = 54000.1;
      const xml = toXml(blaueKarte.schema, data);
      assert.match(
        xml,
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<S00000121 xmlns="urn:amtsbote:fim:S00000121_1\.0">\n {2}<G00000630>\n {4}<F00000043>/,
      );
      assert.ok(xml.indexOf('<F00000043>') < xml.indexOf('<F00000013>'));
      assert.match(xml, /<F00000013>Müller &amp; &lt;Söhne&gt;<\/F00000013>/);
      assert.match(xml, /<F00000728>54000.10<\/F00000728>/);
      assert.equal(xml.match(/<F00000087>/g)?.length, 4, 'two repeated ZeileAnschrift in two places');
      assert.match(xml, /<F00001019>\n\s+<attachmentId>/);
      assert.equal(xsd.check(xml), undefined);
      assert.ok(
        !toXml(blaueKarte.schema, data, { omitDeclaration: true, namespace: 'urn:x' }).startsWith('<?xml'),
      );
    });

    it('the XSD rejects data the validator rejects', () => {
      const data = clone(blaueKarte.sample()) as Record<string, Record<string, unknown>>;
      (
        data.G00000771.G00000236 as Record<string, Record<string, Record<string, unknown>>>
      ).G00000237.G00000113.F00000054 = '1234';
      assert.equal(blaueKarte.validate(data).errors[0].code, 'min_length');
      assert.match(xsd.check(blaueKarte.toXml(data)) ?? '', /F00000054/);
      delete data.G00000630.F00000013;
      assert.match(xsd.check(blaueKarte.toXml(data)) ?? '', /F00000045|F00000013/);
    });

    it('refuses values that do not fit or cannot be XML', () => {
      const data = clone(blaueKarte.sample()) as Record<string, Record<string, unknown>>;
      data.G00000630.F00000013 = 12;
      assert.throws(
        () => blaueKarte.toXml(data),
        (e: unknown) => e instanceof FimExportError && e.path === '/G00000630/F00000013',
      );
      data.G00000630.F00000013 = 'a\u0001b';
      assert.throws(() => blaueKarte.toXml(data), /XML 1\.0 cannot represent/);
    });
  });

  describe('xdf3 features', () => {
    let xsd: ReturnType<typeof xsdValidator>;
    before(() => {
      xsd = xsdValidator(lib, toXsd(full.schema, { namespace: 'urn:example:antrag' }));
    });
    after(() => xsd.dispose());

    it('normalises times, writes obj as JSON and leaves labels out', () => {
      const data = clone(full.sample()) as Record<string, Record<string, unknown>>;
      data.G60000000100.F60000000104 = '08:15:00.5z';
      data.G60000000100.F60000000105 = '2024-02-29 23:59:59+0130';
      (data as Record<string, unknown>).F60000000121 = { a: [1, 'x'] };
      assert.equal(full.validate(data).valid, true);
      const xml = toXml(full.schema, data, { namespace: 'urn:example:antrag' });
      assert.match(xml, /<F60000000104>08:15:00\.5Z<\/F60000000104>/);
      assert.match(xml, /<F60000000105>2024-02-29T23:59:59\+01:30<\/F60000000105>/);
      assert.match(xml, /<F60000000121>\{"a":\[1,"x"\]\}<\/F60000000121>/);
      assert.doesNotMatch(xml, /F60000000110/);
      assert.equal(xsd.check(xml), undefined);
    });

    it('the XSD enforces DIN 91379, fixed values of hidden/locked fields and media types', () => {
      const base = clone(full.sample()) as Record<string, Record<string, unknown>>;
      const variant = (change: (d: Record<string, Record<string, unknown>>) => void): string | undefined => {
        const d = clone(base);
        change(d);
        return xsd.check(toXml(full.schema, d, { namespace: 'urn:example:antrag' }));
      };
      assert.equal(
        variant((d) => (d.G60000000100.F60000000101 = 'C\u0328\u0306ukasz Dvořák')),
        undefined,
      );
      assert.match(variant((d) => (d.G60000000100.F60000000101 = 'Παπα')) ?? '', /F60000000101/);
      assert.match(variant((d) => (d.G60000000100.F60000000107 = 'XY')) ?? '', /fixed value/);
      assert.match(variant((d) => (d.G60000000100.F60000000108 = false)) ?? '', /fixed value/);
      assert.match(
        variant(
          (d) =>
            ((d as Record<string, unknown>).F60000000120 = [
              { attachmentId: 'a', mediaType: 'text/html', size: 1 },
            ]),
        ) ?? '',
        /mediaType/,
      );
    });

    it('property: XML of valid instances satisfies the XSD', () => {
      const b = xsdValidator(lib, blaueKarte.toXsd());
      try {
        for (const [v, check, options] of [
          [full, xsd, { namespace: 'urn:example:antrag' }],
          [blaueKarte, b, {}],
        ] as const) {
          fc.assert(
            fc.property(validInstance(v.plan), (data) => {
              let xml: string;
              try {
                xml = v.toXml(data, options);
              } catch (e) {
                // Valid JSON text may hold characters XML 1.0 cannot carry; that is the only accepted refusal.
                assert.match(String(e), /XML 1\.0 cannot represent/);
                return;
              }
              assert.equal(check.check(xml), undefined, xml);
            }),
            { numRuns: 40, seed: 4711 },
          );
        }
      } finally {
        b.dispose();
      }
    });
  });
});
