import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from '../test/helpers';
import { xdf3Field, xdf3Schema } from '../test/samples';
import { codeListEntries, parseGenericode } from './codelists/genericode';
import { FimParseError, FimSchemaError } from './errors';
import { tryParseSchema } from './parser/parse-schema';
import { parseXdf2Praezisierung, parseXdf3Praezisierung } from './parser/praezisierung';
import { compileValidator } from './validator/compile';
import type { LocalizedMessage } from './validator/messages';
import { translateXsdPattern } from './validator/pattern';

/** The hostile schemas the hostile-input corpus uploads to intake (test/hostile/corpus.ts). */
const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"><xdf:stammdatenschema>&lol1;</xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>`;
const HOSTILE: Array<[string, string | Buffer]> = [
  ['billion laughs', LAUGHS],
  [
    'quadratic blowup',
    `<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "${'a'.repeat(500)}">]><q>${'&a;'.repeat(200)}</q>`,
  ],
  ['external entity', '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>'],
  ['external DTD', '<?xml version="1.0"?><!DOCTYPE xdf SYSTEM "file:///etc/passwd"><x/>'],
  ['deep nesting', `<a>${'<b>'.repeat(100_000)}${'</b>'.repeat(100_000)}</a>`],
  [
    'invalid UTF-8',
    Buffer.concat([Buffer.from('<a>'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('</a>')]),
  ],
  ['not XML', 'SELECT * FROM intake.fim_schemas;'],
  ['not well-formed', '<a><b></a>'],
  ['undeclared entity', '<a>&nbsp;</a>'],
  ['illegal character reference', '<a>&#0;</a>'],
  ['malformed reference', '<a>&amp</a>'],
  ['undeclared prefix', '<x:a/>'],
  ['unsupported encoding', Buffer.from('<?xml version="1.0" encoding="ISO-8859-2"?><a/>')],
  ['unknown namespace', '<a/>'],
  ['unsupported message', '<xdf:foo xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"/>'],
  [
    'missing body',
    '<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"/>',
  ],
];

/** xdf2 and xdf3 fixtures that are refused, and valid ones broken in several places at once. */
function brokenSchemas(): Array<[string, string | Buffer]> {
  const simple = readFixture('fim-xdf2', 'simple.xml').toString('utf8');
  const label = readFixture('fim-xdf2', 'label.xml').toString('utf8');
  return [
    ...['duplicate-required-value.xml', 'duplicate-optional-value.xml', 'unknown-namespace.xml'].map(
      (f): [string, Buffer] => [`xdf2 ${f}`, readFixture('fim-xdf2', f)],
    ),
    ...[
      'duplicate-id-node.xml',
      'empty-id-node.xml',
      'missing-id-node.xml',
      'unexpected-node.xml',
      'invalid-freigabestatus.xml',
    ].map((f): [string, Buffer] => [`xdf3 ${f}`, readFixture('fim-xdf3', f)]),
    ['xdf1', readFixture('fim-xdf1', 'WaBeKa.xml')],
    [
      'xdf2 with a broken anzahl and an unknown Feldart',
      simple
        .replace('<xdf:anzahl>1:1</xdf:anzahl>', '<xdf:anzahl>1:x</xdf:anzahl>')
        .replace('<code>input</code>', '<code>slider</code>'),
    ],
    ['xdf2 with anzahl 0:0', simple.replace('<xdf:anzahl>1:1</xdf:anzahl>', '<xdf:anzahl>0:0</xdf:anzahl>')],
    [
      'xdf2 with xdf3-only codes',
      label
        .replace('<code>label</code>', '<code>hidden</code>')
        .replace('<code>text</code>', '<code>time</code>'),
    ],
    [
      'xdf3 with duplicate werte, a bad maxSize and contradictory precision',
      xdf3Schema([
        xdf3Field({
          id: 'F60000000001',
          name: 'Auswahl',
          feldart: 'select',
          datentyp: 'text',
          werte: [
            ['a', 'A'],
            ['a', 'noch einmal A'],
          ],
        }),
        xdf3Field({
          id: 'F60000000002',
          name: 'Text',
          feldart: 'input',
          datentyp: 'text',
          praezisierung: { minLength: '9', maxLength: '2', unbekannt: '1' },
        }),
      ]).replace('</xdf:datentyp>', '</xdf:datentyp><xdf:maxSize>viel</xdf:maxSize>'),
    ],
  ];
}

function messagesOf(input: string | Buffer): Array<{ code: string; message: LocalizedMessage }> {
  return tryParseSchema(input).issues.map((i) => ({ code: i.code, message: i.message }));
}

// Words that give away an English text; the German ones may still quote the XML parser's own (English) words.
const ENGLISH = /\b(is|are|must|the|missing|expected|allowed|unexpected|unknown|invalid|not)\b/i;

function assertBilingual(where: string, m: LocalizedMessage, quotesParser = false): void {
  assert.ok(m.de.trim() !== '' && m.en.trim() !== '', `${where}: a language is empty`);
  assert.notEqual(m.de, m.en, `${where}: the German text is the English one: ${m.en}`);
  // Element names and quoted values are the document's own words.
  const german = (quotesParser ? m.de.split(': ')[0] : m.de).replace(/<[^>]*>|„[^“]*“/g, '');
  assert.doesNotMatch(german, ENGLISH, `${where}: the German text is English: ${m.de}`);
}

describe('every problem the FIM engine reports is told in German and in English', () => {
  it('errors of hostile and broken XML', () => {
    let seen = 0;
    for (const [name, input] of HOSTILE) {
      const issues = messagesOf(input);
      assert.ok(issues.length > 0, `${name} was not refused`);
      for (const i of issues) assertBilingual(`${name} ${i.code}`, i.message, i.code === 'MALFORMED_XML');
      seen += issues.length;
    }
    assert.ok(seen >= HOSTILE.length);
  });

  it('errors and warnings of schemas that break the XDatenfelder rules', () => {
    const codes = new Set<string>();
    for (const [name, input] of brokenSchemas()) {
      const issues = messagesOf(input);
      assert.ok(issues.length > 0, `${name} gave no issue`);
      for (const i of issues) {
        assertBilingual(`${name} ${i.code}`, i.message);
        codes.add(i.code);
      }
    }
    // The set really covers the parser's kinds of problems, not one message many times.
    for (const code of [
      'DUPLICATE_ELEMENT',
      'EMPTY_ID',
      'MISSING_ID',
      'UNEXPECTED_ELEMENT',
      'INVALID_CODE',
      'UNSUPPORTED_NAMESPACE',
      'INVALID_ANZAHL',
      'DUPLICATE_VALUE',
      'INVALID_VALUE',
      'CONTRADICTORY_PRAEZISIERUNG',
      'PRAEZISIERUNG',
    ]) {
      assert.ok(codes.has(code), `no ${code} among ${[...codes].join(', ')}`);
    }
  });

  it('a too large input', () => {
    const e = tryParseSchema('<a>xxxxxxxxxx</a>', { maxBytes: 5 }).issues[0];
    assert.equal(e.code, 'INPUT_TOO_LARGE');
    assertBilingual('INPUT_TOO_LARGE', e.message);
  });

  it('precision, patterns, code lists and schemas that cannot be enforced', () => {
    const precision = [
      ...parseXdf2Praezisierung('{"minLength":"eins","foo":1,"maxLength":{}}').problems,
      ...parseXdf2Praezisierung('{"pattern":"\\d{5}", minValue: 3}').problems,
      ...parseXdf2Praezisierung('kaputt').problems,
      ...parseXdf3Praezisierung({ foo: '1' }, undefined).problems,
    ];
    assert.equal(precision.length, 6);
    for (const p of precision) assertBilingual('praezisierung', p);

    for (const pattern of [
      'a\\',
      '\\p{IsKlingon}',
      '\\pL',
      '\\q',
      '[a-[b]c]',
      '[]',
      '[a',
      'a{2,1}',
      'a{1001}',
      '(a|b)*a(a|b){20}',
    ]) {
      const t = translateXsdPattern(pattern);
      assert.ok(!('regex' in t), `${pattern} was translated`);
      assertBilingual(`pattern ${pattern}`, t, true);
    }

    const gc = (body: string) =>
      `<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">${body}</gc:CodeList>`;
    for (const xml of [
      '<a/>',
      gc(''),
      gc('<Identification><ShortName>x</ShortName></Identification>'),
      gc('<Identification><CanonicalUri>urn:x</CanonicalUri><Version>1</Version></Identification>'),
      gc(
        '<Identification><CanonicalUri>urn:x</CanonicalUri><Version>1</Version></Identification><ColumnSet/>',
      ),
    ]) {
      assert.throws(
        () => parseGenericode(xml, 'liste.xml'),
        (e: unknown) => {
          assert.ok(e instanceof FimParseError);
          for (const i of e.issues) assertBilingual(`genericode ${i.code}`, i.message);
          return true;
        },
      );
    }
    const list = parseGenericode(
      gc(
        '<Identification><CanonicalUri>urn:x</CanonicalUri><Version>1</Version></Identification>' +
          '<ColumnSet><Column Id="code"/></ColumnSet><SimpleCodeList><Row><Value ColumnRef="code"><SimpleValue>a</SimpleValue></Value></Row></SimpleCodeList>',
      ),
    );
    const column = codeListEntries(list, { codeKey: 'nope' });
    assert.ok(!Array.isArray(column));
    assertBilingual('code list column', column);

    const unenforceable = tryParseSchema(
      xdf3Schema([
        xdf3Field({
          id: 'F60000000001',
          name: 'Staat',
          feldart: 'select',
          datentyp: 'text',
          codeliste: { uri: 'urn:de:nirgends', version: '1' },
        }),
        xdf3Field({ id: 'F60000000002', name: 'Frei', feldart: 'select', datentyp: 'text' }),
        xdf3Field({
          id: 'F60000000003',
          name: 'PLZ',
          feldart: 'input',
          datentyp: 'text',
          praezisierung: { pattern: '(a|b)*a(a|b){20}' },
        }),
      ]),
    ).schema;
    assert.ok(unenforceable);
    assert.throws(
      () => compileValidator(unenforceable),
      (e: unknown) => {
        assert.ok(e instanceof FimSchemaError);
        assert.equal(e.problems.length, 3);
        for (const p of e.problems) assertBilingual('schema', p);
        return true;
      },
    );
  });
});
