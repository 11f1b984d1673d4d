import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLAUE_KARTE, readFixture } from '../../test/helpers';
import { XDF3_FULL } from '../../test/samples';
import { FimParseError } from '../errors';
import type { FimFieldNode, FimGroupNode, FimNode, FimSchema } from '../model';
import { NS_XDF2, NS_XDF3, parseSchema, tryParseSchema } from './parse-schema';
import { parseXdf2Praezisierung } from './praezisierung';

function failure(xml: Buffer | string): FimParseError {
  try {
    parseSchema(xml);
  } catch (e) {
    assert.ok(e instanceof FimParseError);
    return e;
  }
  assert.fail('expected a parse error');
}

function field(schema: FimSchema, path: string): FimFieldNode {
  const node = schema.nodes.get(path);
  assert.ok(node && node.kind === 'field', `no field at ${path}`);
  return node;
}

function* walk(nodes: readonly FimNode[]): Generator<FimNode> {
  for (const n of nodes) {
    yield n;
    if (n.kind === 'group') yield* walk(n.children);
  }
}

describe('parseSchema: xdf2 fixtures', () => {
  it('BlaueKarte: S00000121 with 88/71 fields, 29/23 groups, rules and code lists', () => {
    const s = parseSchema(readFixture(...BLAUE_KARTE));
    assert.equal(s.generation, 'xdf2');
    assert.equal(s.namespace, NS_XDF2);
    assert.equal(s.messageType, 'stammdatenschema');
    assert.equal(s.meta.id, 'S00000121');
    assert.equal(s.meta.version, '1.0');
    assert.equal(s.meta.name, 'Antrag Blaue Karte EU');
    assert.equal(s.meta.status, 'inVorbereitung');
    assert.deepEqual(s.meta.bezug, [{ text: '§ 19a AufenthG' }]);
    const nodes = [...walk(s.children)];
    const fields = nodes.filter((n): n is FimFieldNode => n.kind === 'field');
    const groups = nodes.filter((n): n is FimGroupNode => n.kind === 'group');
    assert.equal(fields.length, 88);
    assert.equal(new Set(fields.map((f) => f.field.id)).size, 71);
    assert.equal(s.fields.size, 71);
    assert.equal(groups.length, 29);
    assert.equal(new Set(groups.map((g) => g.group.id)).size, 23);
    assert.equal(s.groups.size, 23);
    assert.equal(s.nodes.size, 117);
    const types: Record<string, number> = {};
    for (const f of fields)
      types[`${f.field.feldart}/${f.field.datentyp}`] =
        (types[`${f.field.feldart}/${f.field.datentyp}`] ?? 0) + 1;
    assert.deepEqual(types, {
      'input/text': 49,
      'input/bool': 17,
      'input/file': 8,
      'input/date': 7,
      'select/text': 5,
      'input/num': 1,
      'input/num_currency': 1,
    });
    const anzahl = new Set(nodes.map((n) => n.multiplicity.raw));
    assert.deepEqual([...anzahl].sort(), ['0:1', '1:*', '1:1', '2:5']);
    const selects = fields.filter((f) => f.field.codeliste);
    assert.equal(selects.length, 5);
    assert.deepEqual(new Set(selects.map((f) => f.field.codeliste?.canonicalVersionUri)).size, 4);
    assert.deepEqual(field(s, '/G00000630/F00000065').field.codeliste, {
      fimId: 'C00000001',
      canonicalUri: 'urn:xpersonenstand:schluesseltabelle:geschlecht',
      version: '2',
      canonicalVersionUri: 'urn:xpersonenstand:schluesseltabelle:geschlecht_2',
    });
    assert.equal(s.ruleDefs.size, 3);
    const rule = s.ruleDefs.get('R00000255_1.0');
    assert.ok(rule);
    assert.equal(rule.script, undefined, 'the script element is empty');
    assert.match(rule.definition ?? '', /nur dann zu befüllen/);
    assert.deepEqual(s.ruleTargets.get('R00000255_1.0'), ['/G00000638']);
    assert.deepEqual(s.warnings, []);
  });

  it('BlaueKarte: keys nodes by path, the same id occurs at several paths', () => {
    const s = parseSchema(readFixture(...BLAUE_KARTE));
    const ort = [...s.nodes.values()]
      .filter((n) => n.kind === 'field' && n.field.id === 'F00000035')
      .map((n) => n.path);
    assert.deepEqual(ort, [
      '/G00000771/G00000236/G00000237/G00000113/F00000035',
      '/G00000771/G00000236/G00000238/F00000035',
      '/G00000633/G00000632/G00000587/G00000237/G00000113/F00000035',
      '/G00000642/G00000132/G00000085/G00000080/F00000035',
    ]);
    const plz = field(s, '/G00000771/G00000236/G00000237/G00000113/F00000054').field;
    assert.deepEqual(plz.praezisierung, {
      raw: '{"minLength":"5","maxLength":"5"}',
      minLength: 5,
      maxLength: 5,
    });
    const zeile = field(s, '/G00000642/G00000132/G00000046/G00000245/F00000087');
    assert.deepEqual(zeile.multiplicity, { min: 2, max: 5, raw: '2:5' });
    const kommunikation = s.nodes.get('/G00000642/G00000132/G00000016/G00000015');
    assert.deepEqual(kommunikation?.multiplicity, { min: 1, max: null, raw: '1:*' });
    assert.match(field(s, '/G00000630/F00000043').field.hilfetextEingabe ?? '', /^Geben Sie Titel ein/);
  });

  it('simple.xml: metadata, praezisierung and schema rules', () => {
    const s = parseSchema(readFixture('fim-xdf2', 'simple.xml'));
    assert.equal(s.meta.idVersion, 'T1234_1.0');
    assert.equal(s.meta.beschreibung, 'Eine Beschreibung');
    assert.equal(s.meta.ableitungsmodifikationenStruktur, '3');
    assert.deepEqual(s.rules, ['R60000037_1.2']);
    assert.equal(s.ruleDefs.get('R60000037_1.2')?.script, 'function script() {}');
    const f = field(s, '/G00000082/F60000227').field;
    assert.equal(f.name, 'Familienname');
    assert.equal(f.bezeichnungEingabe, 'Familienname');
    assert.equal(f.hilfetextEingabe, 'Hilfe Eingabe');
    assert.equal(f.schemaelementart, 'HAR');
    assert.deepEqual(f.bezug, [{ text: 'Ein Bezug' }]);
    assert.equal(f.freigabedatum, '2020-11-02');
    assert.equal(f.praezisierung.minLength, 1);
    assert.equal(f.praezisierung.maxLength, 120);
    assert.equal(s.groups.get('G00000082_1.3')?.schemaelementart, 'ABS');
  });

  it('select.xml, label.xml, rules on fields and groups, minimal.xml', () => {
    const select = field(parseSchema(readFixture('fim-xdf2', 'select.xml')), '/F123').field;
    assert.equal(select.feldart, 'select');
    assert.deepEqual(select.codeliste, {
      fimId: 'C123',
      canonicalUri: 'urn:de:example',
      version: '1',
      canonicalVersionUri: 'urn:de:example_1',
    });
    const label = field(parseSchema(readFixture('fim-xdf2', 'label.xml')), '/F123').field;
    assert.equal(label.feldart, 'label');
    assert.equal(label.inhalt, 'Hinweis Inhalt');
    assert.deepEqual(label.praezisierung, {});
    assert.deepEqual(
      field(parseSchema(readFixture('fim-xdf2', 'data-field-rule.xml')), '/F123').field.rules,
      ['R60000037_1.2'],
    );
    const groupRule = parseSchema(readFixture('fim-xdf2', 'data-group-rule.xml'));
    assert.deepEqual(groupRule.groups.get('G00000082_1.3')?.rules, ['R60000037_1.2']);
    assert.deepEqual(groupRule.ruleTargets.get('R60000037_1.2'), ['/G00000082']);
    const rule = parseSchema(readFixture('fim-xdf2', 'rule.xml'));
    assert.deepEqual(rule.rules, ['R60000037_1.2']);
    const minimal = parseSchema(readFixture('fim-xdf2', 'minimal.xml'));
    assert.equal(minimal.children.length, 0);
    assert.equal(minimal.meta.fachlicherErsteller, undefined);
  });

  it('duplicate values and unknown namespaces fail as the fixtures expect', () => {
    const required = failure(readFixture('fim-xdf2', 'duplicate-required-value.xml')).issues[0];
    assert.equal(required.code, 'DUPLICATE_ELEMENT');
    assert.equal(required.line, 13);
    assert.match(required.message.en, /<xdf:name>/);
    const optional = failure(readFixture('fim-xdf2', 'duplicate-optional-value.xml')).issues[0];
    assert.equal(optional.code, 'DUPLICATE_ELEMENT');
    assert.match(optional.message.en, /<xdf:beschreibung>/);
    const ns = failure(readFixture('fim-xdf2', 'unknown-namespace.xml'));
    assert.equal(ns.issues[0].code, 'UNSUPPORTED_NAMESPACE');
    assert.match(ns.message, /urn:xoev-de:fim:standard:xdatenfelder_unknown/);
  });
});

describe('parseSchema: xdf3 fixtures', () => {
  it('simple.xml: Datenfeldgruppe message with freigabestatus, bezug links, relations and rules on fields', () => {
    const s = parseSchema(readFixture('fim-xdf3', 'simple.xml'));
    assert.equal(s.generation, 'xdf3');
    assert.equal(s.namespace, NS_XDF3);
    assert.equal(s.messageType, 'datenfeldgruppe');
    assert.equal(s.meta.id, 'G60000000088');
    assert.equal(s.meta.freigabestatus, '6');
    assert.equal(s.meta.letzteAenderung, '2021-03-31T11:51:29Z');
    assert.deepEqual(s.meta.bezug, [{ text: 'Rechtsbezug' }]);
    assert.deepEqual(s.meta.stichwort, [{ text: 'Ein Stichwort', uri: 'some reference' }]);
    assert.deepEqual(s.meta.relation, [{ praedikat: 'ERS', id: 'G60000000088', version: '1.1.0' }]);
    assert.deepEqual(s.rules, ['R60000000019_1.2.0']);
    const rule = s.ruleDefs.get('R60000000019_1.2.0');
    assert.equal(rule?.typ, 'V');
    assert.equal(rule?.script, 'some script content');
    assert.match(rule?.freitextRegel ?? '', /^Es muss entweder Feldgruppe G60000086/);
    assert.deepEqual(rule?.bezug, [{ text: 'Eine Bezugsquelle', link: 'some reference link' }]);
    const strasse = field(s, '/G60000000086/F60000000243').field;
    assert.deepEqual(strasse.praezisierung, { minLength: 1, maxLength: 55 });
    assert.equal(strasse.vorbefuellung, 'keine');
    assert.deepEqual(strasse.rules, ['R60000000019_1.2.0']);
    assert.match(strasse.beschreibung ?? '', /<= 55 Zeichen/);
    assert.deepEqual(s.ruleTargets.get('R60000000019_1.2.0'), ['', '/G60000000086/F60000000243']);
  });

  it('input.xml: attribute precision, codeKey/nameKey/helpKey, maxSize, mediaType', () => {
    const r = tryParseSchema(readFixture('fim-xdf3', 'input.xml'));
    assert.ok(r.schema);
    const f = field(r.schema, '/F60000000243').field;
    assert.equal(f.feldart, 'select');
    assert.deepEqual(f.praezisierung, {
      minLength: 0,
      maxLength: 1,
      minValue: '0',
      maxValue: '1',
      pattern: 'abc',
      raw: 'Constraints',
    });
    assert.equal(f.inhalt, 'Some Content');
    assert.equal(f.codeKey, 'CodeKey');
    assert.equal(f.nameKey, 'NameKey');
    assert.equal(f.helpKey, 'HelpKey');
    assert.equal(f.maxSize, 10);
    assert.deepEqual(f.mediaTypes, ['application/json']);
    assert.equal(f.codeliste, undefined);
    assert.deepEqual(
      r.issues.map((i) => [i.severity, i.code]),
      [
        ['warning', 'DUPLICATE_EMPTY_ELEMENT'],
        ['warning', 'EMPTY_CODELIST_REFERENCE'],
        ['warning', 'SELECT_WITHOUT_VALUES'],
      ],
    );
    assert.throws(() => parseSchema(readFixture('fim-xdf3', 'input.xml'), { strict: true }), FimParseError);
  });

  const negative: Array<[string, string, number, RegExp]> = [
    ['duplicate-id-node.xml', 'DUPLICATE_ELEMENT', 11, /<xdf:id>/],
    ['empty-id-node.xml', 'EMPTY_ID', 10, /<xdf:id>/],
    ['missing-id-node.xml', 'MISSING_ID', 9, /Missing <id>/],
    ['unexpected-node.xml', 'UNEXPECTED_ELEMENT', 11, /<xdf:unknown>/],
    ['invalid-freigabestatus.xml', 'INVALID_CODE', 17, /Freigabestatus: "10"/],
    ['unknown-namespace.xml', 'UNSUPPORTED_NAMESPACE', 2, /xdatenfelder_unknown/],
  ];
  for (const [file, code, line, message] of negative) {
    it(`${file} is refused with ${code}`, () => {
      const issue = failure(readFixture('fim-xdf3', file)).issues.find((i) => i.severity === 'error');
      assert.equal(issue?.code, code);
      assert.equal(issue?.line, line);
      assert.match(issue?.message.en ?? '', message);
    });
  }
});

describe('parseSchema: other inputs', () => {
  it('rejects XDatenfelder 1 naming its namespace', () => {
    const e = failure(readFixture('fim-xdf1', 'WaBeKa.xml'));
    assert.equal(e.issues[0].code, 'UNSUPPORTED_NAMESPACE');
    assert.match(
      e.message,
      /XDatenfelder 1 \(namespace urn:xoev-de:fim:standard:xdatenfelder_1\) is not supported/,
    );
  });

  it('reads an xdf3 Stammdatenschema with inline werte, hidden and locked fields', () => {
    const s = parseSchema(XDF3_FULL);
    assert.equal(s.messageType, 'stammdatenschema');
    assert.equal(s.meta.bezeichnungEingabe, 'Antrag auf Test');
    assert.equal(s.meta.hilfetext, 'Bitte alle Pflichtfelder ausfüllen.');
    assert.deepEqual(s.meta.bezug, [{ text: '§ 1 Testgesetz', link: 'https://example.org/gesetz' }]);
    const anrede = field(s, '/G60000000100/F60000000102').field;
    assert.deepEqual(anrede.werte, [
      { code: '01', name: 'Herr' },
      { code: '02', name: 'Frau', help: 'weibliche Anrede' },
      { code: '03', name: 'keine Anrede' },
    ]);
    const hidden = field(s, '/G60000000100/F60000000107').field;
    assert.equal(hidden.feldart, 'hidden');
    assert.equal(hidden.inhalt, 'AB-123');
    assert.equal(hidden.vorbefuellung, 'verpflichtend');
    assert.equal(field(s, '/G60000000100/F60000000108').field.feldart, 'locked');
    assert.equal(field(s, '/G60000000100/F60000000101').field.datentyp, 'text_latin');
    assert.equal(field(s, '/G60000000100/F60000000109').field.praezisierung.pattern, '[0-9]{5}');
    assert.deepEqual(field(s, '/F60000000120').field.mediaTypes, ['application/pdf', 'image/*']);
    assert.equal(s.ruleDefs.get('R60000000109_1.0.0')?.typ, 'V');
  });

  it('rejects xdf3-only Datentypen and Feldarten in xdf2', () => {
    const xml = readFixture('fim-xdf2', 'label.xml')
      .toString('utf8')
      .replace('<code>label</code>', '<code>hidden</code>')
      .replace('<code>text</code>', '<code>time</code>');
    const codes = failure(xml).issues.map((i) => i.message.en);
    assert.ok(codes.some((m) => /Invalid Feldart for xdf2: "hidden"/.test(m)));
    assert.ok(codes.some((m) => /Invalid Datentyp for xdf2: "time"/.test(m)));
  });

  it('reports every problem of a document, not only the first', () => {
    const xml = readFixture('fim-xdf2', 'simple.xml')
      .toString('utf8')
      .replace('<xdf:anzahl>1:1</xdf:anzahl>', '<xdf:anzahl>1:x</xdf:anzahl>')
      .replace('<code>input</code>', '<code>slider</code>');
    const e = failure(xml);
    assert.deepEqual(
      e.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.code)
        .sort(),
      ['INVALID_ANZAHL', 'INVALID_CODE'],
    );
  });

  it('warns about a repeated sibling and gives it its own property', () => {
    const inner = readFixture('fim-xdf2', 'label.xml').toString('utf8');
    const struktur = /<xdf:struktur>[\s\S]*<\/xdf:struktur>/.exec(inner)?.[0] ?? '';
    const s = tryParseSchema(inner.replace(struktur, struktur + struktur));
    assert.ok(s.schema);
    assert.deepEqual(
      s.schema.children.map((c) => c.key),
      ['F123', 'F123_2'],
    );
    assert.equal(s.issues[0].code, 'REPEATED_SIBLING');
  });
});

describe('xdf2 praezisierung', () => {
  it('reads valid JSON and falls back to a lenient scan', () => {
    assert.deepEqual(parseXdf2Praezisierung('{"minLength":"1","maxLength":"10","pattern":"[0-9]+"}').value, {
      raw: '{"minLength":"1","maxLength":"10","pattern":"[0-9]+"}',
      minLength: 1,
      maxLength: 10,
      pattern: '[0-9]+',
    });
    const lenient = parseXdf2Praezisierung('{"pattern":"\\d{5}", minValue: 3}');
    assert.equal(lenient.value.pattern, '\\d{5}');
    assert.equal(lenient.value.minValue, '3');
    assert.match(lenient.problems[0].en, /not valid JSON/);
    const bad = parseXdf2Praezisierung('{"minLength":"eins"}');
    assert.equal(bad.value.minLength, undefined);
    assert.match(bad.problems[0].en, /non-negative integer/);
    assert.match(bad.problems[0].de, /nicht-negative ganze Zahl/);
  });
});
