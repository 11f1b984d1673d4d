import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLAUE_KARTE, clone, readFixture } from '../../test/helpers';
import { XDF3_FULL, genericode } from '../../test/samples';
import { CodeListRegistry } from '../codelists/registry';
import { FimSchemaError } from '../errors';
import { parseSchema } from '../parser/parse-schema';
import { type FimError, type ValidationResult, ValidatorCache, compileValidator } from './compile';

const blaueKarte = parseSchema(readFixture(...BLAUE_KARTE));
const bk = compileValidator(blaueKarte);
const valid = bk.sample();

type Data = Record<string, Record<string, unknown>>;
type Top = Record<string, unknown>;

/** Applies a change to a copy of the valid sample and validates it. */
function check(change: (d: Data) => void, options?: { lenient?: boolean }): ValidationResult {
  const d = clone(valid) as Data;
  change(d);
  return bk.validate(d, options);
}

function only(result: ValidationResult): FimError {
  assert.equal(result.valid, false);
  assert.equal(result.errors.length, 1, JSON.stringify(result.errors, null, 1));
  return result.errors[0];
}

const PERSON = 'G00000630';
const ADRESSE = ['G00000771', 'G00000236', 'G00000237'] as const;

describe('validator on BlaueKarte', () => {
  it('accepts the sample and, with only required elements, the minimal sample', () => {
    assert.deepEqual(bk.validate(valid), { valid: true, errors: [] });
    assert.equal(bk.validate(bk.sample(false)).valid, true);
  });

  it('text: minLength/maxLength (Postleitzahl 5:5) and type', () => {
    const plz = (v: unknown) => (d: Data) => {
      ((d[ADRESSE[0]][ADRESSE[1]] as Data)[ADRESSE[2]].G00000113 as Record<string, unknown>).F00000054 = v;
    };
    assert.equal(check(plz('10115')).valid, true);
    const short = only(check(plz('1011')));
    assert.deepEqual(
      { path: short.path, elementId: short.elementId, code: short.code, params: short.params },
      {
        path: '/G00000771/G00000236/G00000237/G00000113/F00000054',
        elementId: 'F00000054',
        code: 'min_length',
        params: { limit: 5 },
      },
    );
    assert.equal(short.message.de, '„Postleitzahl“ (F00000054): mindestens 5 Zeichen erforderlich.');
    assert.equal(short.message.en, '"Postleitzahl" (F00000054): at least 5 characters required.');
    assert.equal(only(check(plz('101150'))).code, 'max_length');
    // Length counts code points: five emoji are five characters.
    assert.equal(check(plz('😀😀😀😀😀')).valid, true);
    assert.equal(only(check(plz(10115))).code, 'type');
  });

  it('required (1:1) and optional (0:1) fields; lenient mode skips missing required fields only', () => {
    const missing = check((d) => delete d[PERSON].F00000013);
    const e = only(missing);
    assert.equal(e.code, 'required');
    assert.equal(e.path, '/G00000630/F00000013');
    assert.equal(e.elementId, 'F00000013');
    assert.match(e.message.de, /Familienname.*Pflichtangabe/);
    assert.equal(check((d) => delete d[PERSON].F00000043).valid, true, 'Titel is 0:1');
    assert.equal(check((d) => delete d[PERSON].F00000013, { lenient: true }).valid, true);
    const draft = check(
      (d) => {
        delete d[PERSON].F00000013;
        d[PERSON].F00000065 = 'q';
      },
      { lenient: true },
    );
    assert.equal(only(draft).code, 'code');
  });

  it('bool, num, num_currency and date', () => {
    assert.equal(only(check((d) => (d.G00000636.F00001027 = 'ja'))).code, 'type');
    assert.equal(check((d) => (d.G00000636.F00001027 = false)).valid, true);
    assert.equal(only(check((d) => (d[PERSON].F00001017 = '1,80'))).code, 'type');
    assert.equal(check((d) => (d[PERSON].F00001017 = 1.8)).valid, true);
    assert.equal(check((d) => (d.G00000642.F00000728 = 54000.07)).valid, true);
    const cents = only(check((d) => (d.G00000642.F00000728 = 54000.075)));
    assert.equal(cents.code, 'currency');
    assert.match(cents.message.en, /two decimals/);
    assert.equal(only(check((d) => (d.G00000642.F00001025 = '2021-02-29'))).code, 'format');
    assert.equal(only(check((d) => (d.G00000642.F00001025 = '01.02.2021'))).code, 'format');
    assert.equal(check((d) => (d.G00000642.F00001025 = '2020-02-29')).valid, true);
  });

  it('file: attachment references', () => {
    const pic = (v: unknown) => (d: Data) => (d[PERSON].F00001019 = v);
    assert.equal(check(pic({ attachmentId: 'a1' })).valid, true);
    assert.equal(only(check(pic('foto.jpg'))).code, 'type');
    const noId = only(check(pic({ filename: 'x.pdf' })));
    assert.deepEqual(
      [noId.code, noId.path, noId.params],
      ['attachment', '/G00000630/F00001019/attachmentId', { reason: 'attachmentId' }],
    );
    assert.equal(only(check(pic({ attachmentId: 'a1', size: -1 }))).params?.reason, 'size');
    assert.equal(only(check(pic({ attachmentId: 'a1', data: 'AAAA' }))).path, '/G00000630/F00001019/data');
  });

  it('select fields against bundled code lists', () => {
    assert.equal(check((d) => (d[PERSON].F00000065 = 'w')).valid, true);
    assert.equal(
      check((d) => (d[PERSON].F00000039 = '997')).valid,
      true,
      'staatenlos is a Staatsangehörigkeit',
    );
    const staat = ['G00000642', 'G00000132', 'G00000046'] as const;
    const setStaat = (v: string) => (d: Data) => ((d[staat[0]][staat[1]] as Data)[staat[2]].F00000038 = v);
    assert.equal(check(setStaat('129')).valid, true);
    const e = only(check(setStaat('997')));
    assert.equal(e.code, 'code', 'staatenlos is not a Staat');
    assert.equal(e.message.de, '„Staat“ (F00000038): „997“ ist kein zulässiger Wert.');
  });

  it('multiplicity 2:5 (array of fields) and 1:* (array of groups)', () => {
    const zeilen = (v: unknown) => (d: Data) => {
      ((d.G00000642.G00000132 as Data).G00000046.G00000245 as Record<string, unknown>).F00000087 = v;
    };
    assert.equal(check(zeilen(['a', 'b'])).valid, true);
    assert.equal(check(zeilen(['a', 'b', 'c', 'd', 'e'])).valid, true);
    assert.equal(only(check(zeilen(['a']))).code, 'min_items');
    assert.equal(check(zeilen(['a']), { lenient: true }).valid, true);
    const tooMany = only(check(zeilen(['a', 'b', 'c', 'd', 'e', 'f'])));
    assert.deepEqual([tooMany.code, tooMany.params], ['max_items', { limit: 5 }]);
    assert.equal(only(check(zeilen('a'))).code, 'type');
    const item = only(check(zeilen(['a', 7])));
    assert.equal(item.path, '/G00000642/G00000132/G00000046/G00000245/F00000087/1');
    const kontakt = (v: unknown) => (d: Data) => ((d.G00000642.G00000132 as Data).G00000016.G00000015 = v);
    assert.equal(
      check(
        kontakt([
          { F00000025: '01', F00000026: 'a@b.de' },
          { F00000025: '03', F00000026: '0170' },
        ]),
      ).valid,
      true,
    );
    assert.equal(only(check(kontakt([]))).code, 'min_items');
    const nested = only(
      check(
        kontakt([
          { F00000025: '01', F00000026: 'x' },
          { F00000025: '99', F00000026: 'y' },
        ]),
      ),
    );
    assert.equal(nested.path, '/G00000642/G00000132/G00000016/G00000015/1/F00000025');
    assert.equal(only(check(kontakt({ F00000025: '01', F00000026: 'x' }))).code, 'type');
  });

  it('rejects unknown properties with the owning group id', () => {
    const e = only(check((d) => (d[PERSON].F99999999 = 'x')));
    assert.deepEqual(
      [e.code, e.path, e.elementId],
      ['unknown_property', '/G00000630/F99999999', 'G00000630'],
    );
    const root = only(check((d) => (d.__proto__x = {})));
    assert.equal(root.elementId, 'S00000121');
    const proto = JSON.parse(
      JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"F00000013":1},'),
    ) as unknown;
    const p = only(bk.validate(proto));
    assert.deepEqual([p.code, p.path], ['unknown_property', '/__proto__']);
  });

  it('reports all errors at once and stays reusable', () => {
    const many = check((d) => {
      delete d[PERSON].F00000013;
      d[PERSON].F00000065 = 'q';
      d[PERSON].F00001017 = 'gross';
      d.G00000642.F00000728 = 0.001;
      d.extra = {};
    });
    assert.deepEqual(
      many.errors.map((e) => e.code),
      ['required', 'code', 'type', 'currency', 'unknown_property'],
    );
    assert.equal(bk.validate(valid).valid, true, 'state does not leak between runs');
    assert.equal(only(bk.validate([])).code, 'type');
    assert.equal(only(bk.validate(null)).path, '');
  });

  it('caps the number of errors for hostile inputs', () => {
    const v = compileValidator(blaueKarte, { maxErrors: 10 });
    const junk: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) junk[`X${i}`] = i;
    const r = v.validate(junk);
    assert.equal(r.errors.length, 10);
    assert.equal(r.truncated, true);
  });
});

describe('validator on xdf3 features', () => {
  const v = compileValidator(parseSchema(XDF3_FULL));
  const base = v.sample(false);

  function run(change: (d: Data) => void): ValidationResult {
    const d = clone(base) as Data;
    change(d);
    return v.validate(d);
  }

  it('accepts the samples', () => {
    assert.equal(v.validate(base).valid, true);
    assert.equal(v.validate(v.sample()).valid, true);
  });

  it('text_latin: DIN 91379 characters, including combining sequences', () => {
    const name = (s: string) => (d: Data) => (d.G60000000100.F60000000101 = s);
    for (const ok of ['Müller-Lüdenscheidt', 'Ørsted', 'C\u0328\u0306ukasz', 'Dvořák', 'L\u0325\u0304a']) {
      assert.equal(run(name(ok)).valid, true, ok);
    }
    for (const bad of ['Παπαδόπουλος', 'Иванов', '王', 'x\u0301y', 'emoji 😀']) {
      const e = only(run(name(bad)));
      assert.equal(e.code, 'charset', bad);
      assert.match(e.message.en, /DIN 91379/);
    }
    assert.equal(only(run(name(''))).code, 'min_length');
  });

  it('inline werte, pattern and value ranges from attribute precision', () => {
    assert.equal(run((d) => (d.G60000000100.F60000000102 = '02')).valid, true);
    assert.equal(only(run((d) => (d.G60000000100.F60000000102 = 'Frau'))).code, 'code');
    assert.equal(run((d) => (d.G60000000100.F60000000109 = '01067')).valid, true);
    assert.equal(only(run((d) => (d.G60000000100.F60000000109 = '1067'))).code, 'pattern');
    assert.equal(only(run((d) => (d.G60000000100.F60000000109 = '010677'))).code, 'pattern');
    assert.equal(only(run((d) => (d.G60000000100.F60000000106 = 21))).code, 'maximum');
    assert.equal(only(run((d) => (d.G60000000100.F60000000106 = 2.5))).code, 'type');
    assert.equal(only(run((d) => (d.G60000000100.F60000000111 = 0.4))).code, 'minimum');
    assert.equal(run((d) => (d.G60000000100.F60000000111 = 0.5)).valid, true);
    assert.equal(only(run((d) => (d.G60000000100.F60000000103 = '1899-12-31'))).code, 'minimum');
    assert.equal(only(run((d) => (d.G60000000100.F60000000103 = '2031-01-01'))).code, 'maximum');
  });

  it('time and datetime need RFC 3339 with offset', () => {
    assert.equal(run((d) => (d.G60000000100.F60000000104 = '08:15:00Z')).valid, true);
    assert.equal(only(run((d) => (d.G60000000100.F60000000104 = '08:15'))).code, 'format');
    assert.equal(only(run((d) => (d.G60000000100.F60000000104 = '08:15:00'))).code, 'format');
    assert.equal(run((d) => (d.G60000000100.F60000000105 = '2024-02-29T23:59:59.5+01:00')).valid, true);
    assert.equal(only(run((d) => (d.G60000000100.F60000000105 = '2024-02-30T10:00:00Z'))).code, 'format');
  });

  it('hidden and locked fields carry their defined value', () => {
    assert.equal(only(run((d) => delete d.G60000000100.F60000000107)).code, 'required');
    const hidden = only(run((d) => (d.G60000000100.F60000000107 = 'XY-999')));
    assert.deepEqual([hidden.code, hidden.params], ['fixed_value', { expected: 'AB-123' }]);
    assert.equal(only(run((d) => (d.G60000000100.F60000000108 = false))).code, 'fixed_value');
    assert.equal(
      run((d) => ((d as Top).F60000000122 = 'frei wählbar')).valid,
      true,
      'hidden without inhalt takes any text',
    );
  });

  it('label fields carry no data', () => {
    const e = only(run((d) => (d.G60000000100.F60000000110 = 'gelesen')));
    assert.deepEqual([e.code, e.elementId], ['no_data', 'F60000000110']);
  });

  it('file media types and size, obj, xdf3 code list reference', () => {
    const file = (f: Record<string, unknown>) => (d: Data) => ((d as Top).F60000000120 = [f]);
    assert.equal(run(file({ attachmentId: 'a', mediaType: 'image/png', size: 2048 * 1024 })).valid, true);
    assert.equal(only(run(file({ attachmentId: 'a', mediaType: 'text/html', size: 1 }))).code, 'media_type');
    assert.equal(
      only(run(file({ attachmentId: 'a', mediaType: 'image/png', size: 2048 * 1024 + 1 }))).code,
      'file_size',
    );
    assert.equal(only(run(file({ attachmentId: 'a', size: 1 }))).params?.reason, 'mediaType');
    assert.equal(run((d) => ((d as Top).F60000000121 = { beliebig: [1, 2] })).valid, true);
    assert.equal(only(run((d) => ((d as Top).F60000000121 = [1]))).code, 'type');
    assert.equal(run((d) => ((d as Top).F60000000123 = '000')).valid, true);
    assert.equal(only(run((d) => ((d as Top).F60000000123 = 'DE'))).code, 'code');
  });
});

describe('code list resolution at compile time', () => {
  const select = parseSchema(readFixture('fim-xdf2', 'select.xml'));

  it('fails for a select field whose code list is unknown', () => {
    assert.throws(
      () => compileValidator(select),
      (e: unknown) =>
        e instanceof FimSchemaError &&
        /F123 \(\/F123\): select field references code list urn:de:example_1, which is not available/.test(
          e.message,
        ),
    );
  });

  it('accepts any value when the caller opts in, for all or for named fields/lists', () => {
    for (const allow of [true, ['F123'], ['urn:de:example_1'], ['urn:de:example']] as const) {
      const v = compileValidator(select, { allowUnknownCodeLists: allow });
      assert.equal(v.validate({ F123: 'whatever' }).valid, true);
      assert.equal(v.validate({ F123: 1 }).valid, false);
    }
    assert.throws(() => compileValidator(select, { allowUnknownCodeLists: ['F999'] }), FimSchemaError);
  });

  it('uses code lists registered by the caller', () => {
    const reg = new CodeListRegistry();
    reg.addGenericode(
      genericode('urn:de:example', '1', [
        ['a', 'Alpha'],
        ['b', 'Beta'],
      ]),
    );
    const v = compileValidator(select, { codeLists: reg });
    assert.equal(v.validate({ F123: 'a' }).valid, true);
    assert.equal(v.validate({ F123: 'c' }).errors[0].code, 'code');
  });

  it('rejects patterns that cannot be enforced', () => {
    const xml = readFixture('fim-xdf2', 'simple.xml')
      .toString('utf8')
      .replace('{"minLength":"1","maxLength":"120"}', '{"pattern":"(a|b)*a(a|b){20}"}');
    assert.throws(() => compileValidator(parseSchema(xml)), /too complex to be checked in linear time/);
  });
});

describe('ValidatorCache', () => {
  it('compiles once per schema id and version', () => {
    const cache = new ValidatorCache();
    const a = cache.get(blaueKarte);
    const b = cache.get(parseSchema(readFixture(...BLAUE_KARTE)));
    assert.equal(a, b);
    assert.equal(cache.find('S00000121', '1.0'), a);
    assert.equal(cache.size, 1);
  });
});
