import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type TranslatedPattern, translateXsdPattern } from '../validator/pattern';

type Libxml = typeof import('libxml2-wasm');

function translated(p: string): TranslatedPattern {
  const t = translateXsdPattern(p);
  if (!('regex' in t)) assert.fail(`${p}: ${t.en}`);
  return t;
}

/** libxml2's verdict: the value checked against an XSD simple type with the pattern as facet. */
function libxmlVerdicts(lib: Libxml, pattern: string, values: readonly string[]): boolean[] {
  const esc = (s: string): string =>
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/"/g, '&quot;')
      .replace(/\n/g, '&#10;')
      .replace(/\r/g, '&#13;')
      .replace(/\t/g, '&#9;');
  const xsd = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="v"><xs:simpleType><xs:restriction base="xs:string"><xs:pattern value="${esc(pattern)}"/></xs:restriction></xs:simpleType></xs:element></xs:schema>`;
  const schemaDoc = lib.XmlDocument.fromString(xsd);
  const validator = lib.XsdValidator.fromDoc(schemaDoc);
  try {
    return values.map((v) => {
      const doc = lib.XmlDocument.fromString(`<v>${esc(v)}</v>`);
      try {
        validator.validate(doc);
        return true;
      } catch {
        return false;
      } finally {
        doc.dispose();
      }
    });
  } finally {
    validator.dispose();
    schemaDoc.dispose();
  }
}

/** Patterns with the XML Schema constructs FIM authors may use, and values on both sides of each. */
const CONFORMANCE: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{1,63}',
    ['a@b.de', 'x.y+z@mail.example.org', 'a@b', '@b.de', 'a@b.d3', 'ä@b.de'],
  ],
  ['([0]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{3}', ['01067', '99999', '00067', '1234', '123456', '1O115']],
  ['[1-9][0-9]{12}', ['1234567890123', '0234567890123', '123456789012']],
  ['a$b', ['a$b', 'ab', 'a']],
  ['a\\$b\\^', ['a$b^', 'ab']],
  ['\\p{IsGreek}\\p{IsGreekandCoptic}', ['αβ', 'ab']],
  ['\\^?x', ['^x', 'x', '^^x']],
  ['.+', ['a', 'ä€😀', 'a\nb', 'a\rb', '']],
  ['\\d{2,3}', ['12', '123', '1234', '١٢', 'ab']],
  ['\\s\\S', [' a', '\ta', '\u00a0a', '  ']],
  ['\\w+', ['Straße', 'a_b', 'a-b', 'a b', '€']],
  ['\\W', ['-', ' ', 'a', '€']],
  ['\\i\\c*', ['_a-1.b', 'a:b', '1a', '-a', 'Ärger']],
  ['\\I\\C', ['1 ', 'a ', '1a']],
  ['[a-z-[aeiou]]+', ['xyz', 'bcd', 'bad', 'BCD']],
  ['[^a-c]{2}', ['de', 'ad', 'dd', 'd']],
  ['[\\p{Lu}-[A-Z]]', ['Ä', 'A', 'a']],
  ['\\p{L}+\\P{L}', ['Abc1', 'Äö ', 'abc', '1']],
  ['\\p{Nd}\\p{Zs}\\p{Sc}', ['1 €', '1 $', 'a €']],
  ['\\p{IsBasicLatin}+', ['abc', 'a~\u007f', 'äbc']],
  ['\\p{IsLatin-1Supplement}', ['ä', 'a', 'ÿ']],
  ['(ab|cd)*e?', ['', 'abcd', 'abe', 'ace', 'e']],
  ['a{2,}b{0,1}', ['aa', 'aaab', 'ab', 'aabb']],
  ['[\\-\\[\\]\\\\]+', ['-[]\\', 'a']],
  ['[+\\-]?\\d+(,\\d{1,2})?', ['-12,50', '+3', '12,', '1,234']],
  ['\\.\\?\\*\\+\\(\\)\\{\\}\\|', ['.?*+(){}|', 'a']],
];

describe('XML Schema patterns', () => {
  let lib: Libxml;
  before(async () => {
    lib = await import('libxml2-wasm');
  });

  it('agree with libxml2 (XSD validation) on every construct FIM authors use', () => {
    for (const [pattern, values] of CONFORMANCE) {
      const t = translated(pattern);
      const expected = libxmlVerdicts(lib, pattern, values);
      values.forEach((v, i) => {
        assert.equal(
          t.regex.test(v),
          expected[i],
          `${pattern} on ${JSON.stringify(v)} (libxml2: ${expected[i]})`,
        );
      });
    }
  });

  it('read a leading ^ and a trailing $ as the anchors the author meant, and nothing else', () => {
    const email = translated('[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{1,63}$');
    assert.equal(email.anchorsDropped, true);
    assert.equal(email.xsd, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{1,63}');
    assert.equal(email.regex.test('max@example.de'), true);
    assert.equal(email.regex.test('max@example.de$'), false);
    const escaped = translated('a\\$');
    assert.equal(escaped.anchorsDropped, false);
    assert.equal(escaped.regex.test('a$'), true);
    assert.equal(translated('^a').regex.test('a'), true);
    assert.equal(translated('a^').regex.test('a^'), true);
    assert.equal(translated('^{2}a').regex.test('^^a'), true, 'a quantified ^ is a character');
  });

  it('match in linear time: (a+)+b against 100 000 characters finishes (no backtracking)', () => {
    const t = translated('(a+)+b');
    assert.equal(t.regex.test('a'.repeat(100_000)), false);
    assert.equal(t.regex.test(`${'a'.repeat(100_000)}b`), true);
    assert.ok(t.dfa.stateCount < 10, `a DFA of ${t.dfa.stateCount} states`);
  });

  it('refuse patterns whose automaton would be too large, and malformed ones, with a reason', () => {
    for (const [pattern, reason] of [
      ['(a|b)*a(a|b){20}', /too complex/],
      ['a{1001}', /repetition counts above 1000/],
      ['\\p{IsKlingon}', /unknown category or block/],
      ['[a-z-[b]c]', /must end after a subtraction/],
      ['a{,3}', /malformed quantifier/],
      ['a]', /must be escaped/],
      ['[a-]b-c]', /must be escaped/],
    ] as const) {
      const t = translateXsdPattern(pattern);
      assert.ok(!('regex' in t), `${pattern} was accepted`);
      assert.match(t.en, reason);
      assert.notEqual(t.de, t.en);
    }
  });

  it('property: the exported ECMAScript pattern accepts exactly what the validator accepts', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      '-',
      '$',
      '^',
      '.',
      '\\d',
      '\\s',
      '\\w',
      '\\W',
      '\\i',
      '\\c',
      '\\p{Lu}',
      '\\P{L}',
      '\\p{IsBasicLatin}',
      '[a-c]',
      '[^ab]',
      '[a-z-[aeiou]]',
      '[\\-$.]',
      '\\.',
      '\\\\',
    );
    const quant = fc.constantFrom('', '', '?', '*', '+', '{2}', '{0,2}', '{1,}');
    const piece = fc.tuple(atom, quant).map(([a, q]) => a + q);
    const seq = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    const group = fc.tuple(seq, seq, quant).map(([x, y, q]) => `(${x}|${y})${q}`);
    const pattern = fc.array(fc.oneof(seq, group), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
    const value = fc
      .array(
        fc.constantFrom(
          'a',
          'b',
          'c',
          'e',
          'Z',
          '-',
          '$',
          '^',
          '.',
          '\\',
          ' ',
          '\n',
          '_',
          ':',
          '1',
          '٣',
          'Ä',
          '€',
          '😀',
          '\u00a0',
        ),
        { maxLength: 8 },
      )
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, fc.array(value, { minLength: 1, maxLength: 8 }), (p, values) => {
        const t = translateXsdPattern(p);
        if (!('regex' in t)) {
          // Random nesting can exceed the automaton budget; that is a refusal, never a wrong answer.
          assert.match(t.en, /too complex/, p);
          return;
        }
        const re = new RegExp(t.source, 'u');
        for (const v of values)
          assert.equal(t.regex.test(v), re.test(v), `${p} -> ${t.source} on ${JSON.stringify(v)}`);
      }),
      { numRuns: 200 },
    );
  });
});
