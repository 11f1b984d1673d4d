import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLAUE_KARTE, readFixture } from '../../test/helpers';
import { XDF3_FULL } from '../../test/samples';
import { inspectSchema } from '../inspect';
import { parseSchema } from '../parser/parse-schema';
import { compileValidator } from '../validator/compile';
import { type FormField, type FormGroup, toFormDefinition } from './form';
import { sampleData, sampleForPattern } from './sample';

describe('sampleData', () => {
  const fixtures: Array<[string, string, boolean]> = [
    ['fim-xdf2', 'BlaueKarte.xml', false],
    ['fim-xdf2', 'simple.xml', false],
    ['fim-xdf2', 'select.xml', true],
    ['fim-xdf2', 'label.xml', false],
    ['fim-xdf2', 'minimal.xml', false],
    ['fim-xdf2', 'data-group-rule.xml', false],
    ['fim-xdf3', 'simple.xml', false],
    ['fim-xdf3', 'input.xml', true],
  ];
  for (const [dir, file, allow] of fixtures) {
    it(`is valid for ${dir}/${file}, with and without optional elements`, () => {
      const schema = parseSchema(readFixture(dir, file));
      const v = compileValidator(schema, { allowUnknownCodeLists: allow });
      for (const includeOptional of [true, false]) {
        const data = sampleData(schema, { allowUnknownCodeLists: allow, includeOptional });
        assert.deepEqual(v.validate(data).errors, []);
      }
    });
  }

  it('fills every element of the xdf3 sample and respects fixed values', () => {
    const data = sampleData(parseSchema(XDF3_FULL)) as Record<string, Record<string, unknown>>;
    assert.equal(data.G60000000100.F60000000107, 'AB-123');
    assert.equal(data.G60000000100.F60000000108, true);
    assert.equal(data.G60000000100.F60000000109, '10115');
    assert.equal(data.G60000000100.F60000000110, undefined, 'labels carry no data');
    assert.equal((data as Record<string, unknown>).F60000000123, '000');
  });

  it('derives the shortest string from an XSD pattern', () => {
    assert.equal(sampleForPattern('[0-9]{5}'), '00000');
    assert.equal(sampleForPattern('(DE|AT)\\d{2}[A-Z]+'), 'AT00A');
    assert.equal(sampleForPattern('a?b*c+'), 'c');
    assert.equal(sampleForPattern('[^abc]x'), 'dx');
    assert.equal(sampleForPattern('(unclosed'), undefined);
  });
});

describe('toFormDefinition', () => {
  it('BlaueKarte: order, labels, help texts, options and multiplicity', () => {
    const form = toFormDefinition(parseSchema(readFixture(...BLAUE_KARTE)));
    assert.equal(form.id, 'S00000121');
    assert.equal(form.title, 'Antrag auf Blaue Karte EU');
    assert.deepEqual(
      form.children.slice(0, 3).map((c) => c.id),
      ['G00000630', 'G00000771', 'G00000629'],
    );
    const person = form.children[0] as FormGroup;
    const titel = person.children[0] as FormField;
    assert.deepEqual(
      { label: titel.label, required: titel.required, widget: titel.widget, path: titel.path },
      { label: 'Titel', required: false, widget: 'text', path: '/G00000630/F00000043' },
    );
    assert.match(titel.help ?? '', /vorangestellten Titeln/);
    const geschlecht = person.children.find((c) => c.id === 'F00000065') as FormField;
    assert.equal(geschlecht.widget, 'select');
    assert.equal(geschlecht.codeList?.resolved, 'urn:xpersonenstand:schluesseltabelle:geschlecht_2');
    assert.equal(geschlecht.codeList?.status, 'exact');
    assert.equal(geschlecht.codeList?.canonicalUri, 'urn:xpersonenstand:schluesseltabelle:geschlecht');
    assert.equal(geschlecht.codeList?.version, '2');
    assert.deepEqual(geschlecht.options?.[1], { value: 'w', label: 'weiblich' });
    const vorstrafe = form.children.find((c) => c.id === 'G00000638') as FormGroup;
    assert.equal(vorstrafe.rules[0].id, 'R00000255');
    assert.match(vorstrafe.rules[0].text ?? '', /nur dann zu befüllen/);
  });

  it('xdf3: hidden, locked, static labels, repeatable groups and constraints', () => {
    const form = toFormDefinition(parseSchema(XDF3_FULL));
    const person = form.children[0] as FormGroup;
    const byId = (id: string): FormField => person.children.find((c) => c.id === id) as FormField;
    assert.deepEqual(
      [byId('F60000000107').widget, byId('F60000000107').hidden, byId('F60000000107').fixedValue],
      ['hidden', true, 'AB-123'],
    );
    assert.deepEqual([byId('F60000000108').readOnly, byId('F60000000108').fixedValue], [true, true]);
    assert.deepEqual(
      [byId('F60000000110').widget, byId('F60000000110').text, byId('F60000000110').required],
      ['static', 'Bitte vollständig ausfüllen.', false],
    );
    assert.deepEqual(byId('F60000000103').constraints, { minimum: '1900-01-01', maximum: '2030-12-31' });
    assert.equal(byId('F60000000109').constraints.pattern, '^(?:[0-9]{5})$');
    assert.equal(byId('F60000000109').rules[0].script, 'function pruefe() { return true; }');
    const kontakt = form.children.find((c) => c.id === 'G60000000130') as FormGroup;
    assert.deepEqual([kontakt.repeatable, kontakt.minOccurs, kontakt.maxOccurs], [true, 0, null]);
    const file = form.children.find((c) => c.id === 'F60000000120') as FormField;
    assert.deepEqual(file.constraints, { mediaTypes: ['application/pdf', 'image/*'], maxBytes: 2048 * 1024 });
  });
});

describe('inspectSchema', () => {
  it('summarises a Datenfeldgruppe message', () => {
    const s = inspectSchema(parseSchema(readFixture('fim-xdf3', 'simple.xml')));
    assert.equal(s.messageType, 'datenfeldgruppe');
    assert.deepEqual(s.fields, { occurrences: 1, distinct: 1 });
    assert.deepEqual(s.groups, { occurrences: 1, distinct: 1 });
    assert.deepEqual(s.rules[0].targets, ['', '/G60000000086/F60000000243']);
    const x3 = inspectSchema(parseSchema(XDF3_FULL));
    assert.deepEqual(x3.inlineValueFields, ['F60000000102']);
    assert.equal(x3.codeLists[0].available, true);
  });
});
