import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { fixtureFiles, fixtureOptions, newAjv } from '../test/fixtures';
import { fixturePath } from '../test/helpers';
import { ajvPointer, mutations } from '../test/mutations';
import { run } from './cli/main';
import type { FormElement, FormField } from './export/form';
import type { FimSchema } from './model';
import { tryParseSchema } from './parser/parse-schema';
import { compileValidator } from './validator/compile';
import { walkPlan } from './validator/plan';

/** `sample` and `sample --required-only` pass our validator and ajv; both refuse the same mutations at the same place. */
function assertSampleValidByConstruction(schema: FimSchema): void {
  const ours = compileValidator(schema, fixtureOptions(schema));
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
  assert.ok(list.length >= needed, `only ${list.length} mutations`);
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
}

function* formFields(elements: readonly FormElement[]): Generator<FormField> {
  for (const e of elements) {
    if (e.kind === 'field') yield e;
    else yield* formFields(e.children);
  }
}

/** The form definition names every referenced code list, also when it is not available, and how it was resolved. */
function assertCodeListsNamed(schema: FimSchema): void {
  const options = fixtureOptions(schema);
  const registry = options.codeLists!;
  const form = compileValidator(schema, options).formDefinition();
  const selects = [...formFields(form.children)].filter((f) => f.codeList !== undefined);
  const referencing = [...schema.fields.values()].filter((f) => f.codeliste && f.werte.length === 0);
  assert.equal(selects.length > 0, referencing.length > 0);
  for (const f of selects) {
    const cl = f.codeList!;
    assert.ok(cl.canonicalUri, f.id);
    if (cl.status === 'missing') {
      assert.equal(cl.resolved, undefined);
      assert.equal(f.options, undefined, `${f.id}: a missing list has no options`);
      assert.equal(registry.newest(cl.canonicalUri), undefined, `${f.id}: a version was stored`);
    } else {
      assert.ok(cl.resolved && registry.get(cl.resolved), f.id);
      assert.ok(f.options && f.options.length > 0, f.id);
      assert.ok(
        f.options.every((o) => o.label !== ''),
        f.id,
      );
      if (cl.status === 'newest') assert.notEqual(cl.resolved, cl.canonicalVersionUri);
    }
  }
}

/**
 * Every real schema of the shared fixtures, by directory listing: a file dropped into one of the directories
 * is covered without naming it here. Each file is read once for both checks and let go afterwards (the
 * portal's 73 schemas are 76 MB of XML).
 */
describe('every fixture schema', () => {
  for (const f of fixtureFiles()) {
    describe(f.name, () => {
      let parsed: ReturnType<typeof tryParseSchema> | undefined;
      const parse = () => (parsed ??= tryParseSchema(fs.readFileSync(f.file)));
      after(() => {
        parsed = undefined;
      });

      if (f.published) {
        it('parses without errors as the FIM portal publishes it, and the CLI inspects it', () => {
          const { schema, issues } = parse();
          assert.deepEqual(
            issues.filter((i) => i.severity === 'error').map((e) => `${e.code}: ${e.message.en}`),
            [],
          );
          assert.ok(schema);
          const out: string[] = [];
          const err: string[] = [];
          const code = run(['inspect', f.file, '--codelists', fixturePath('codelists-xrepository')], {
            out: (s) => out.push(s),
            err: (s) => err.push(s),
          });
          assert.equal(code, 0, err.join('\n'));
          assert.match(out.join('\n'), new RegExp(`^stammdatenschema ${schema.meta.id} `));
        });

        it('the form definition names every code list it references, and how it was resolved', () => {
          const { schema } = parse();
          assert.ok(schema, 'parses');
          assertCodeListsNamed(schema);
        });
      }

      it('sample is valid by construction, and ajv agrees on it and on mutations', () => {
        const { schema } = parse();
        assert.ok(schema, 'parses');
        assertSampleValidByConstruction(schema);
      });
    });
  }
});
