import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cliPath } from '../../test/helpers';
import { xdf3Field, xdf3Group, xdf3Schema } from '../../test/samples';
import { FimSampleError } from '../errors';
import { parseSchema } from '../parser/parse-schema';
import { compileValidator } from '../validator/compile';
import { sampleData } from './sample';

const FIELDS = [
  xdf3Field({
    id: 'F60000000201',
    name: 'PLZ',
    feldart: 'input',
    datentyp: 'text',
    praezisierung: { pattern: '[0-9]{5}', maxLength: '4' },
  }),
  xdf3Field({
    id: 'F60000000202',
    name: 'Anzahl',
    feldart: 'input',
    datentyp: 'num_int',
    anzahl: '0:1',
    praezisierung: { minValue: '2.5', maxValue: '2.7' },
  }),
  xdf3Field({
    id: 'F60000000203',
    name: 'Kennung',
    feldart: 'locked',
    datentyp: 'text',
    inhalt: 'AB',
    praezisierung: { pattern: '[0-9]+' },
  }),
  xdf3Field({
    id: 'F60000000204',
    name: 'Name',
    feldart: 'input',
    datentyp: 'text_latin',
    praezisierung: { pattern: '\\p{IsGreek}+' },
  }),
];
const PLATE = xdf3Field({
  id: 'F60000000205',
  name: 'Kennzeichen',
  feldart: 'input',
  datentyp: 'text_latin',
  praezisierung: { pattern: '[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [1-9][0-9]{0,3}', minLength: '9' },
});
const CONTRADICTORY = xdf3Schema([xdf3Group('G60000000200', 'Angaben', '1:1', [...FIELDS, PLATE])]);

describe('sample when constraints contradict each other', () => {
  it('names every field (id and path) and why, as a typed error', () => {
    const schema = parseSchema(CONTRADICTORY);
    assert.throws(
      () => sampleData(schema),
      (e: unknown) => {
        assert.ok(e instanceof FimSampleError);
        assert.deepEqual(
          e.problems.map((p) => [p.elementId, p.path]),
          [
            ['F60000000201', '/G60000000200/F60000000201'],
            ['F60000000202', '/G60000000200/F60000000202'],
            ['F60000000203', '/G60000000200/F60000000203'],
            ['F60000000204', '/G60000000200/F60000000204'],
          ],
        );
        assert.match(
          e.problems[0].message.en,
          /no text with a length of 0\.\.4 characters matches the pattern "\[0-9\]\{5\}"/,
        );
        assert.match(e.problems[1].message.en, /no integer between 2\.5 and 2\.7/);
        assert.match(e.problems[2].message.en, /fixed value \(inhalt\) "AB" violates pattern/);
        assert.match(e.problems[3].message.en, /DIN 91379/);
        for (const p of e.problems) assert.notEqual(p.message.de, p.message.en);
        return true;
      },
    );
  });

  it('finds a value where pattern, minimum length and DIN 91379 only fit together', () => {
    const schema = parseSchema(xdf3Schema([xdf3Group('G60000000200', 'Angaben', '1:1', [PLATE])]));
    const v = compileValidator(schema);
    const data = v.sample() as Record<string, Record<string, string>>;
    const plate = data.G60000000200.F60000000205;
    assert.equal(Array.from(plate).length, 9, plate);
    assert.equal(v.validate(data).valid, true);
  });

  it('makes the CLI exit 2 and name the fields', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fim-sample-'));
    try {
      const file = path.join(dir, 'widerspruch.xml');
      fs.writeFileSync(file, CONTRADICTORY);
      const r = spawnSync(process.execPath, [cliPath(), 'sample', file], { encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /no valid sample exists/);
      for (const id of ['F60000000201', 'F60000000202', 'F60000000203', 'F60000000204'])
        assert.match(r.stderr, new RegExp(`${id} \\(/G60000000200/${id}\\)`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
