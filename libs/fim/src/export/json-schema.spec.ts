import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mutate, mutationSteps, validInstance } from '../../test/arbitraries';
import { newAjv } from '../../test/fixtures';
import { BLAUE_KARTE, readFixture } from '../../test/helpers';
import { XDF3_FULL, genericode } from '../../test/samples';
import { CodeListRegistry } from '../codelists/registry';
import type { FimSchema } from '../model';
import { parseSchema } from '../parser/parse-schema';
import { type CompileOptions, compileValidator } from '../validator/compile';
import { JSON_SCHEMA_DIALECT, type JsonSchema, toJsonSchema } from './json-schema';

const exampleLists = new CodeListRegistry();
exampleLists.addGenericode(
  genericode('urn:de:example', '1', [
    ['a', 'Alpha'],
    ['b', 'Beta'],
  ]),
);

/** Every fixture schema that parses, with what it needs to compile. */
const SCHEMAS: Array<[string, FimSchema, CompileOptions, number]> = [
  ['xdf2/BlaueKarte', parseSchema(readFixture(...BLAUE_KARTE)), {}, 200],
  ['xdf2/simple', parseSchema(readFixture('fim-xdf2', 'simple.xml')), {}, 40],
  ['xdf2/select', parseSchema(readFixture('fim-xdf2', 'select.xml')), { codeLists: exampleLists }, 40],
  ['xdf2/label', parseSchema(readFixture('fim-xdf2', 'label.xml')), {}, 30],
  ['xdf2/rule', parseSchema(readFixture('fim-xdf2', 'rule.xml')), {}, 20],
  ['xdf2/minimal', parseSchema(readFixture('fim-xdf2', 'minimal.xml')), {}, 20],
  ['xdf2/data-field-rule', parseSchema(readFixture('fim-xdf2', 'data-field-rule.xml')), {}, 30],
  ['xdf2/data-group-rule', parseSchema(readFixture('fim-xdf2', 'data-group-rule.xml')), {}, 30],
  ['xdf3/simple', parseSchema(readFixture('fim-xdf3', 'simple.xml')), {}, 40],
  [
    'xdf3/input',
    parseSchema(readFixture('fim-xdf3', 'input.xml')),
    { allowUnknownCodeLists: ['F60000000243'] },
    30,
  ],
  ['xdf3/full (test sample)', parseSchema(XDF3_FULL), {}, 200],
];

describe('toJsonSchema', () => {
  it('BlaueKarte: 2020-12, properties by id, $defs per id_version, titles, code lists as oneOf', () => {
    const js = toJsonSchema(SCHEMAS[0][1]);
    assert.equal(js.$schema, JSON_SCHEMA_DIALECT);
    assert.equal(js.title, 'Antrag auf Blaue Karte EU');
    assert.equal(js.additionalProperties, false);
    const props = js.properties as Record<string, JsonSchema>;
    assert.deepEqual(Object.keys(props).slice(0, 3), ['G00000630', 'G00000771', 'G00000629']);
    assert.deepEqual(props.G00000630, {
      $ref: '#/$defs/G00000630_1.0',
      title: 'Persönliche Angaben zum Antragsteller',
    });
    const defs = js.$defs as Record<string, JsonSchema>;
    assert.equal(Object.keys(defs).length, 71 + 23);
    const person = defs['G00000630_1.0'];
    assert.equal(person.title, 'Persönliche Angaben zum Antragsteller');
    assert.ok((person.required as string[]).includes('F00000013'));
    assert.ok(!(person.required as string[]).includes('F00000043'));
    assert.deepEqual(defs['F00000013_1.0'], {
      type: 'string',
      minLength: 1,
      title: 'Familienname',
      description: 'Geben Sie den Nachnamen, Zunamen bzw. Familiennamen an.',
    });
    const geschlecht = defs['F00000065_1.0'];
    assert.deepEqual((geschlecht.oneOf as JsonSchema[])[0], { const: 'm', title: 'männlich' });
    assert.equal((defs['F00000038_1.0'].oneOf as unknown[]).length, 197);
    assert.equal(defs['F00001016_1.0'].format, 'date');
    assert.equal(defs['F00000728_1.0'].multipleOf, 0.01);
    const zone = defs['G00000245_1.0'].properties as Record<string, JsonSchema>;
    assert.deepEqual(zone.F00000087, {
      type: 'array',
      title: defs['F00000087_1.0'].title,
      items: { $ref: '#/$defs/F00000087_1.0' },
      minItems: 2,
      maxItems: 5,
    });
    const kontakt = defs['G00000016_1.0'].properties as Record<string, JsonSchema>;
    assert.deepEqual(kontakt.G00000015, {
      type: 'array',
      title: defs['G00000015_1.0'].title,
      items: { $ref: '#/$defs/G00000015_1.0' },
      minItems: 1,
    });
  });

  it('xdf3: time/date-time formats, labels, hidden and locked, inline werte with help', () => {
    const defs = toJsonSchema(parseSchema(XDF3_FULL)).$defs as Record<string, JsonSchema>;
    assert.equal(defs['F60000000104_1.0.0'].format, 'time');
    assert.equal(defs['F60000000105_1.0.0'].format, 'date-time');
    assert.deepEqual(defs['F60000000110_1.0.0'], {
      type: 'object',
      readOnly: true,
      not: {},
      title: 'Hinweis',
      description: 'Bitte vollständig ausfüllen.',
    });
    assert.equal(defs['F60000000107_1.0.0'].const, 'AB-123');
    assert.equal(defs['F60000000108_1.0.0'].const, true);
    assert.equal(defs['F60000000108_1.0.0'].readOnly, true);
    assert.deepEqual((defs['F60000000102_1.0.0'].oneOf as JsonSchema[])[1], {
      const: '02',
      title: 'Frau',
      description: 'weibliche Anrede',
    });
    assert.equal(defs['F60000000103_1.0.0'].formatMinimum, '1900-01-01');
    assert.equal(typeof defs['F60000000101_1.0.0'].pattern, 'string');
  });

  it('names every element for form renderers: titles on references and arrays, German file sub-fields', () => {
    const js = toJsonSchema(parseSchema(XDF3_FULL));
    const props = js.properties as Record<string, JsonSchema>;
    const defs = js.$defs as Record<string, JsonSchema>;
    assert.deepEqual(props.G60000000100, { $ref: '#/$defs/G60000000100_1.0.0', title: 'Person' });
    assert.deepEqual(props.F60000000120, {
      type: 'array',
      title: 'Nachweis',
      items: { $ref: '#/$defs/F60000000120_1.0.0' },
      maxItems: 3,
    });
    assert.equal(props.G60000000130.title, 'Kontakt');
    const file = defs['F60000000120_1.0.0'].properties as Record<string, JsonSchema>;
    assert.deepEqual(
      Object.values(file).map((s) => s.title),
      ['Kennung des Anhangs', 'Dateiname', 'Dateityp', 'Dateigröße in Bytes'],
    );
  });

  it('a label property is refused whatever its value, by us and by ajv at the same path', () => {
    const ours = compileValidator(parseSchema(XDF3_FULL));
    const ajv = newAjv().compile(ours.jsonSchema());
    for (const value of [{}, null, 'x', [], 0, false]) {
      const data = ours.sample() as Record<string, Record<string, unknown>>;
      data.G60000000100.F60000000110 = value;
      assert.deepEqual(
        ours.validate(data).errors.map((e) => [e.path, e.code]),
        [['/G60000000100/F60000000110', 'no_data']],
      );
      assert.equal(ajv(data), false);
      assert.deepEqual([...new Set(ajv.errors?.map((e) => e.instancePath))], ['/G60000000100/F60000000110']);
    }
  });

  it('compiles in ajv strict mode for every fixture schema', () => {
    for (const [name, schema, options] of SCHEMAS) {
      assert.doesNotThrow(() => newAjv().compile(toJsonSchema(schema, options)), name);
    }
  });
});

describe('property: our validator and ajv on the exported schema agree', () => {
  for (const [name, schema, options, runs] of SCHEMAS) {
    it(name, () => {
      const ours = compileValidator(schema, options);
      const ajv = newAjv().compile(ours.jsonSchema());
      fc.assert(
        fc.property(validInstance(ours.plan), (data) => {
          const result = ours.validate(data);
          assert.equal(result.valid, true, JSON.stringify(result.errors));
          assert.equal(ajv(data), true, JSON.stringify(ajv.errors));
        }),
        { numRuns: runs, seed: 20240517 },
      );
      let invalid = 0;
      fc.assert(
        fc.property(validInstance(ours.plan), mutationSteps, (data, steps) => {
          const mutated = mutate(data, steps);
          const verdict = ours.validate(mutated).valid;
          if (!verdict) invalid++;
          assert.equal(
            verdict,
            ajv(mutated),
            `${JSON.stringify(mutated)}\nours: ${JSON.stringify(ours.validate(mutated).errors)}\najv: ${JSON.stringify(ajv.errors)}`,
          );
        }),
        { numRuns: runs * 2, seed: 20240518 },
      );
      assert.ok(
        invalid > runs / 2,
        `mutations should mostly produce invalid data (${invalid} of ${runs * 2})`,
      );
    });
  }
});
