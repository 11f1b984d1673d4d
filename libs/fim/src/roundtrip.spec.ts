import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mutate, mutationSteps, validInstance } from '../test/arbitraries';
import { fixturePath, repoRoot } from '../test/helpers';
import { parseSchema } from './parser/parse-schema';
import { type FimValidator, compileValidator } from './validator/compile';

/** xdf2 id to xdf3 id as the FIM conversion writes it: "000" after the third character (F00000013 -> F00000000013). */
function xdf3Key(key: string): string {
  return /^[A-Z]\d{2}\d+(_\d+)?$/.test(key) ? `${key.slice(0, 3)}000${key.slice(3)}` : key;
}

function renameKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(renameKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [xdf3Key(k), renameKeys(x)]));
}

/** What a validation says, with xdf2 paths translated: the verdict and each error's place and kind. */
function verdict(v: FimValidator, data: unknown, toXdf3: boolean): { valid: boolean; errors: string[] } {
  const r = v.validate(data);
  const errors = r.errors.map((e) => {
    const p = toXdf3 ? e.path.split('/').map(xdf3Key).join('/') : e.path;
    return `${p} ${e.code}`;
  });
  return { valid: r.valid, errors: errors.sort() };
}

const PAIRS: ReadonlyArray<readonly [string, string, string]> = [
  ['BlaueKarte', fixturePath('fim-xdf2', 'BlaueKarte.xml'), 'BlaueKarte.xdf3.xml'],
  [
    'Bewohnerparkausweis (demo)',
    path.join(repoRoot(), 'test', 'demo', 'data', 'bewohnerparkausweis.xdf2.xml'),
    'bewohnerparkausweis.xdf3.xml',
  ],
];

describe('round trip of both generations: the xdf3 form of a schema judges data as the xdf2 original does', () => {
  for (const [name, xdf2File, xdf3Name] of PAIRS) {
    it(name, () => {
      const xdf2 = compileValidator(parseSchema(fs.readFileSync(xdf2File)));
      const xdf3Schema = parseSchema(
        fs.readFileSync(path.join(repoRoot(), 'libs', 'fim', 'test', 'data', xdf3Name)),
      );
      assert.equal(xdf3Schema.generation, 'xdf3');
      assert.equal(xdf3Schema.warnings.length, 0, JSON.stringify(xdf3Schema.warnings));
      const xdf3 = compileValidator(xdf3Schema);
      assert.equal(xdf3Schema.meta.id, xdf3Key(xdf2.schema.meta.id));
      assert.equal(xdf3Schema.fields.size, xdf2.schema.fields.size);
      assert.deepEqual(xdf3.jsonSchema().required, (xdf2.jsonSchema().required as string[]).map(xdf3Key));

      let invalid = 0;
      const same = (data: unknown): void => {
        const a = verdict(xdf2, data, true);
        const b = verdict(xdf3, renameKeys(data), false);
        assert.deepEqual(b, a, JSON.stringify(data));
        if (!a.valid) invalid++;
      };
      same(xdf2.sample(true));
      same(xdf2.sample(false));
      fc.assert(
        fc.property(validInstance(xdf2.plan), (data) => same(data)),
        { numRuns: 100, seed: 16 },
      );
      fc.assert(
        fc.property(validInstance(xdf2.plan), mutationSteps, (data, steps) => same(mutate(data, steps))),
        { numRuns: 300, seed: 61 },
      );
      assert.ok(invalid > 100, `the mutations should mostly be invalid (${invalid})`);
    });
  }
});
