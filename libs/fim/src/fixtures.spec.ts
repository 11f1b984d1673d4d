import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureSchemas, newAjv } from '../test/fixtures';
import { fixturePath } from '../test/helpers';
import { ajvPointer, mutations } from '../test/mutations';
import { run } from './cli/main';
import { tryParseSchema } from './parser/parse-schema';
import { compileValidator } from './validator/compile';
import { walkPlan } from './validator/plan';
import * as fs from 'node:fs';

/**
 * Every real schema of the shared fixtures, by directory listing: a file dropped into one of the directories
 * is covered without naming it here.
 */
describe('FIM portal schemas as published: parseSchema and the CLI read every file', () => {
  const dir = fixturePath('fim-xdf3-portal');
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()) {
    it(file, () => {
      const { schema, issues } = tryParseSchema(fs.readFileSync(`${dir}/${file}`));
      const errors = issues.filter((i) => i.severity === 'error');
      assert.deepEqual(
        errors.map((e) => `${e.code}: ${e.message.en}`),
        [],
      );
      assert.ok(schema);
      const out: string[] = [];
      const err: string[] = [];
      const code = run(['inspect', `${dir}/${file}`, '--codelists', fixturePath('codelists-xrepository')], {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
      });
      assert.equal(code, 0, err.join('\n'));
      assert.match(out.join('\n'), new RegExp(`^stammdatenschema ${schema.meta.id} `));
    });
  }
});

describe('sample is valid by construction, for every fixture schema', () => {
  for (const { name, schema, options } of fixtureSchemas()) {
    it(name, () => {
      const ours = compileValidator(schema, options);
      const ajv = newAjv().compile(ours.jsonSchema());
      for (const includeOptional of [true, false]) {
        const data = ours.sample(includeOptional);
        const result = ours.validate(data);
        assert.equal(
          result.valid,
          true,
          `${includeOptional ? 'full' : 'required-only'}: ${JSON.stringify(result.errors)}`,
        );
        assert.equal(ajv(data), true, JSON.stringify(ajv.errors));
      }
      const full = ours.sample(true);
      const list = mutations(full, ours.plan.children);
      const dataFields = [...walkPlan(ours.plan.children)].filter((n) => n.kind === 'field' && !n.c.noData);
      // Five wherever the schema has room for them; the flxbe fixtures with one or no field have fewer places.
      const needed = dataFields.length >= 2 ? 5 : dataFields.length === 1 ? 4 : 1;
      assert.ok(list.length >= needed, `only ${list.length} mutations for ${name}`);
      for (const m of list) {
        const mutated = structuredClone(full);
        m.apply(mutated);
        const result = ours.validate(mutated);
        assert.equal(result.valid, false, `${m.what}: our validator accepted it`);
        assert.equal(ajv(mutated), false, `${m.what}: ajv accepted it`);
        const oursAt = result.errors.map((e) => e.path);
        const ajvAt = (ajv.errors ?? []).map(ajvPointer);
        assert.ok(oursAt.includes(m.pointer), `${m.what}: ours names ${oursAt.join(', ')}, not ${m.pointer}`);
        assert.ok(ajvAt.includes(m.pointer), `${m.what}: ajv names ${ajvAt.join(', ')}, not ${m.pointer}`);
      }
    });
  }
});
