import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  codePointLength,
  isCurrency,
  isDate,
  isDateTime,
  isTime,
  parseDecimal,
  toDecimalString,
} from './formats';
import { type PatternMatcher, translateXsdPattern } from './pattern';

describe('formats', () => {
  it('date follows RFC 3339 full-date including leap years', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '1999-12-31']) assert.equal(isDate(ok), true, ok);
    for (const bad of ['1900-02-29', '2023-13-01', '2023-04-31', '2023-4-1', '2023-04-01Z', ''])
      assert.equal(isDate(bad), false, bad);
  });

  it('time needs an offset; leap seconds only at 23:59 UTC', () => {
    for (const ok of ['12:00:00Z', '12:00:00.123+01:00', '12:00:00-0530', '23:59:60Z', '00:59:60+01:00']) {
      assert.equal(isTime(ok), true, ok);
    }
    for (const bad of ['12:00:00', '12:00Z', '24:00:00Z', '12:60:00Z', '12:00:60Z', '12:00:00+24:00']) {
      assert.equal(isTime(bad), false, bad);
    }
    assert.equal(isDateTime('2024-01-01T12:00:00Z'), true);
    assert.equal(isDateTime('2024-01-01 12:00:00z'), true);
    assert.equal(isDateTime('2024-01-01T12:00:00'), false);
    assert.equal(isDateTime('2024-01-01Tt12:00:00Z'), false);
  });

  it('currency allows two decimals with floating point tolerance, also for large amounts', () => {
    for (const ok of [0.07, 0.1 + 0.2 - 0.3 + 0.3, 54000.07, 33992281.94, 12345678901.23, -5.5, 0])
      assert.equal(isCurrency(ok), true, String(ok));
    for (const bad of [0.001, 12.345, 1.005, 1e-2 / 3]) assert.equal(isCurrency(bad), false, String(bad));
  });

  it('helpers', () => {
    assert.equal(codePointLength('a😀b'), 3);
    assert.equal(codePointLength('\uD800x'), 2);
    assert.equal(parseDecimal('0,5'), 0.5);
    assert.equal(parseDecimal('1.000,5'), undefined);
    assert.equal(toDecimalString(1e21), '1000000000000000000000');
    assert.equal(toDecimalString(1e-7), '0.0000001');
    assert.equal(toDecimalString(-2.5), '-2.5');
  });
});

describe('translateXsdPattern', () => {
  const ok = (p: string): PatternMatcher => {
    const t = translateXsdPattern(p);
    if (!('regex' in t)) assert.fail(t.en);
    return t.regex;
  };
  const problem = (p: string): string => {
    const t = translateXsdPattern(p);
    if ('regex' in t) return 'translated';
    assert.notEqual(t.de, t.en, 'the problem is told in German as well');
    return t.en;
  };

  it('anchors the whole value and keeps XSD meaning of ^ and $', () => {
    assert.equal(ok('[0-9]{5}').test('01067x'), false);
    assert.equal(
      ok('^[0-9]{5}$').test('01067'),
      true,
      'leading ^ and trailing $ are treated as anchors written by habit',
    );
    assert.equal(ok('a$b').test('a$b'), true);
    assert.equal(ok('a.c').test('a\nc'), false);
  });

  it('maps XSD escapes to Unicode-aware ECMAScript', () => {
    assert.equal(ok('\\d+').test('١٢٣'), true, 'XSD \\d is any decimal digit');
    assert.equal(ok('\\w+').test('Straße'), true);
    assert.equal(ok('\\s').test('\u00a0'), false);
    assert.equal(ok('[a\\-z]+').test('a-z'), true);
    assert.equal(ok('\\p{Lu}\\p{Ll}+').test('Äpfel'), true);
  });

  it('reads what only XML Schema has: \\i \\c, blocks, class subtraction', () => {
    assert.equal(ok('[a-z-[aeiou]]+').test('xyz'), true);
    assert.equal(ok('[a-z-[aeiou]]+').test('xaz'), false);
    assert.equal(ok('\\i\\c*').test('_a-1.b'), true);
    assert.equal(ok('\\i\\c*').test('1a'), false);
    assert.equal(ok('\\p{IsBasicLatin}+').test('abc'), true);
    assert.equal(ok('\\p{IsBasicLatin}+').test('äbc'), false);
    assert.match(problem('[abc'), /unterminated/);
    assert.match(problem('(a|b)*a(a|b){20}'), /too complex/);
  });
});
