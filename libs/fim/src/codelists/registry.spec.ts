import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fixturePath } from '../../test/helpers';
import { genericode, xdf3Field, xdf3Schema } from '../../test/samples';
import { FimParseError } from '../errors';
import { codeListEntries, parseGenericode } from './genericode';
import { parseSchema } from '../parser/parse-schema';
import { compileValidator } from '../validator/compile';
import { BUNDLED_CODELIST_DIR, CodeListRegistry, compareVersions, referencedCanonicalUris } from './registry';

describe('CodeListRegistry', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fim-codelists-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('bundles the code lists the fixtures reference, loadable from the compiled package', () => {
    assert.ok(fs.existsSync(path.join(BUNDLED_CODELIST_DIR, 'destatis-staat_2017-01-01.xml')));
    const reg = new CodeListRegistry();
    const uris = reg
      .list()
      .map((l) => l.canonicalVersionUri)
      .sort();
    assert.deepEqual(uris, [
      'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat_2017-01-01',
      'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit_2017-01-01',
      'urn:de:xoev:codeliste:erreichbarkeit_2',
      'urn:xpersonenstand:schluesseltabelle:geschlecht_2',
    ]);
    const staat = reg.get('urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat_2017-01-01');
    assert.ok(staat);
    const entries = codeListEntries(staat);
    assert.ok(Array.isArray(entries));
    assert.deepEqual(
      entries.find((e) => e.code === '000'),
      { code: '000', name: 'Deutschland' },
    );
    assert.equal(entries.find((e) => e.code === '144')?.name, 'Mazedonien, ehemalige jugoslawische Republik');
    const sa = codeListEntries(
      reg.get('urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit_2017-01-01')!,
    );
    assert.ok(Array.isArray(sa) && sa.some((e) => e.code === '997' && e.name === 'staatenlos'));
    const geschlecht = codeListEntries(reg.get('urn:xpersonenstand:schluesseltabelle:geschlecht_2')!);
    assert.deepEqual(Array.isArray(geschlecht) && geschlecht.map((e) => e.code), ['m', 'w', 'd', 'x']);
    assert.equal(new CodeListRegistry({ bundled: false }).list().length, 0);
  });

  it('resolves the exact version, else the newest stored version of the same list, predictably', () => {
    const uri = 'urn:test:farbe';
    const reg = new CodeListRegistry({ bundled: false });
    for (const v of ['2.4', '2.10', '14', '3']) reg.addGenericode(genericode(`${uri}`, v, [['r', 'rot']]));
    assert.equal(reg.resolveReference({ canonicalUri: uri, version: '3' }).status, 'exact');
    assert.equal(reg.resolve({ canonicalVersionUri: `${uri}_2.4` })?.version, '2.4');
    // Not stored: the newest of the same canonical URI, whatever the version named (numeric segments compared
    // as numbers: 14 > 3 > 2.10 > 2.4).
    const fallback = reg.resolveReference({
      canonicalUri: uri,
      version: '99',
      canonicalVersionUri: `${uri}_99`,
    });
    assert.equal(fallback.status, 'newest');
    assert.equal(fallback.list?.version, '14');
    assert.equal(fallback.requested, `${uri}_99`);
    // The FIM portal writes canonicalVersionUri = canonicalIdentification for "no version": that pins nothing.
    const unversioned = reg.resolveReference({ canonicalUri: uri, canonicalVersionUri: uri });
    assert.deepEqual(
      [unversioned.status, unversioned.list?.version, unversioned.requested],
      ['newest', '14', uri],
    );
    // Strict: only the named version.
    assert.equal(
      reg.resolveReference({ canonicalUri: uri, version: '99' }, { exactOnly: true }).status,
      'missing',
    );
    assert.equal(
      reg.resolveReference({ canonicalUri: uri, version: '3' }, { exactOnly: true }).status,
      'exact',
    );
    // A pin from an earlier resolution wins over a newer list stored since.
    const pins = { [`${uri}_99`]: `${uri}_2.10` };
    const pinned = reg.resolveReference({ canonicalUri: uri, version: '99' }, { pins });
    assert.deepEqual([pinned.status, pinned.list?.version], ['pinned', '2.10']);
    assert.equal(reg.resolveReference({ canonicalUri: 'urn:test:other', version: '1' }).status, 'missing');
    assert.ok(reg.remove(`${uri}_14`));
    assert.equal(reg.resolve({ canonicalUri: uri })?.version, '3');
  });

  it('orders versions by numeric segments, dates included', () => {
    const sorted = ['2024-08-01', '2.10', '2017-01-01', '2.4', '14', '3', '2023-02-24', '2.4.1'].sort(
      compareVersions,
    );
    assert.deepEqual(sorted, ['2.4', '2.4.1', '2.10', '3', '14', '2017-01-01', '2023-02-24', '2024-08-01']);
    assert.equal(compareVersions('1.0', '1.0'), 0);
  });

  it('takes the display name from the Bezeichnung column of real XRepository lists', () => {
    const reg = new CodeListRegistry({ bundled: false });
    reg.loadDirectory(fixturePath('codelists-xrepository'));
    for (const list of reg.list()) {
      const entries = codeListEntries(list);
      assert.ok(Array.isArray(entries) && entries.length > 0, list.canonicalVersionUri);
      assert.ok(
        list.nameColumn !== undefined && list.nameColumn !== list.codeColumn,
        list.canonicalVersionUri,
      );
    }
    const rechtsformen = reg.resolve({ canonicalUri: 'urn:xoev-de:xunternehmen:codeliste:rechtsformen' });
    assert.equal(rechtsformen?.nameColumn, 'Bezeichnung-lang');
  });

  it('loads further genericode files from a directory', () => {
    fs.writeFileSync(
      path.join(tmp, 'farben.xml'),
      genericode('urn:test:farbe', '2024', [
        ['r', 'rot'],
        ['g', 'grün', 'wie Gras'],
      ]),
    );
    fs.writeFileSync(path.join(tmp, 'readme.txt'), 'not a code list');
    const reg = new CodeListRegistry({ bundled: false });
    const loaded = reg.loadDirectory(tmp);
    assert.equal(loaded.length, 1);
    const list = reg.resolve({ canonicalUri: 'urn:test:farbe', version: '2024' });
    assert.ok(list);
    assert.equal(list.codeColumn, 'schluessel');
    assert.equal(list.nameColumn, 'beschreibung');
    assert.equal(list.source, path.join(tmp, 'farben.xml'));
    assert.deepEqual(codeListEntries(list, { helpKey: 'Hinweis' }), [
      { code: 'r', name: 'rot' },
      { code: 'g', name: 'grün', help: 'wie Gras' },
    ]);
    assert.deepEqual(codeListEntries(list, { codeKey: 'beschreibung', nameKey: 'schluessel' }), [
      { code: 'rot', name: 'r' },
      { code: 'grün', name: 'g' },
    ]);
    const problem = codeListEntries(list, { codeKey: 'nope' });
    assert.ok(!Array.isArray(problem));
    assert.match(problem.en, /codeKey "nope" is not a column/);
    assert.match(problem.de, /codeKey „nope“ ist keine Spalte/);
  });

  it('loads only the lists a schema references when asked, reading each URI from the start of its file', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'some-'));
    fs.writeFileSync(path.join(dir, 'farben.xml'), genericode('urn:test:farbe', '2024', [['r', 'rot']]));
    fs.writeFileSync(path.join(dir, 'formen.xml'), genericode('urn:test:form', '1', [['k', 'Kreis']]));
    // Not a list of the schema, and broken: skipped unparsed.
    fs.writeFileSync(path.join(dir, 'kaputt.xml'), '<gc:CodeList><Identification><CanonicalUri>urn:test:x</');
    const schema = parseSchema(
      xdf3Schema([
        xdf3Field({
          id: 'F60000000001',
          name: 'Farbe',
          feldart: 'select',
          datentyp: 'text',
          codeliste: { uri: 'urn:test:farbe', version: '2023' },
        }),
      ]),
    );
    const uris = referencedCanonicalUris(schema);
    assert.deepEqual(uris, new Set(['urn:test:farbe']));
    const reg = new CodeListRegistry({ bundled: false });
    const loaded = reg.loadDirectory(dir, { canonicalUris: uris });
    assert.deepEqual(
      loaded.map((l) => l.canonicalVersionUri),
      ['urn:test:farbe_2024'],
    );
    // The newest stored version of the referenced list serves the schema's 2023.
    assert.equal(compileValidator(schema, { codeLists: reg }).plan.codeLists[0].status, 'newest');
    // A file whose start names no URI is parsed anyway (here: refused, with its name).
    fs.writeFileSync(path.join(dir, 'ohne.xml'), '<a/>');
    assert.throws(
      () => new CodeListRegistry({ bundled: false }).loadDirectory(dir, { canonicalUris: uris }),
      /ohne\.xml/,
    );
  });

  it('reports broken genericode files with their file name', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'broken-'));
    fs.writeFileSync(
      path.join(dir, 'kaputt.xml'),
      '<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/"/>',
    );
    assert.throws(
      () => new CodeListRegistry({ bundled: false }).loadDirectory(dir),
      (e: unknown) => e instanceof FimParseError && /kaputt\.xml: .*Identification/.test(e.message),
    );
    assert.throws(() => parseGenericode('<CodeList/>'), /expected a genericode <CodeList>/);
  });
});
