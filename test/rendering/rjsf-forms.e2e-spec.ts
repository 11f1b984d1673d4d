/**
 * Issue 16 §4: FIM forms as a portal renders them with react-jsonschema-form (@rjsf/core 6 with
 * @rjsf/validator-ajv8, set up as libs/fim/README.md "Renderer guidance" recommends) in Debian's headless
 * Chromium: the demo schema, BlaueKarte and every 7th real FIM-portal schema. No browser is downloaded;
 * the page bundle and three screenshots go to test/dist/rendering/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FimError, FimValidator, PlanNode } from '@amtsbote/fim';
import { type FormCase, type Mutation, formCases, mutationsOf } from './forms';
import { type PageBundle, RjsfBrowser, type RjsfError, bundlePage } from './harness';

/** JSON Pointer of an RJSF error: its `property` is the ajv instance path in dots (FIM keys hold none). */
function rjsfPointer(e: RjsfError): string {
  const parts = (e.property ?? '').split('.').filter((p) => p !== '');
  const extra = e.params?.additionalProperty;
  if (e.name === 'additionalProperties' && typeof extra === 'string') parts.push(extra);
  return parts.map((p) => `/${p}`).join('');
}

const pointers = (errors: readonly RjsfError[]): string[] => [...new Set(errors.map(rjsfPointer))].sort();
const ourPointers = (errors: readonly FimError[]): string[] => [...new Set(errors.map((e) => e.path))].sort();

function* walk(nodes: readonly PlanNode[]): Generator<PlanNode> {
  for (const n of nodes) {
    yield n;
    if (n.kind === 'group') yield* walk(n.children);
  }
}

/** Labels and legends must show titles: no FIM id (or data key) of the schema may appear in them. */
function assertNoIds(texts: readonly string[], v: FimValidator, where: string): void {
  const ids = new Set([v.plan.rootId, ...[...walk(v.plan.children)].flatMap((n) => [n.elementId, n.key])]);
  const shown = texts.filter((t) => t.split(/[^A-Za-z0-9_]+/).some((word) => ids.has(word)));
  assert.deepEqual(shown, [], `${where}: FIM ids shown instead of labels`);
}

/**
 * The values RJSF put into an empty form: only hidden/locked fixed values and input presets of the schema,
 * and `false` for a required yes/no field, which shows as an unticked checkbox (what the citizen sees is
 * what is sent).
 */
function unexpectedDefaults(nodes: readonly PlanNode[], data: unknown, where = ''): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  return Object.entries(data).flatMap(([key, value]) => {
    const node = nodes.find((n) => n.key === key);
    if (!node) return [`${where}/${key} is not in the schema`];
    return (Array.isArray(value) ? value : [value]).flatMap((item: unknown) => {
      if (node.kind === 'group') return unexpectedDefaults(node.children, item, `${where}/${key}`);
      if (item === null || typeof item === 'object') return [];
      const preset =
        item === node.c.fixed ||
        item === node.c.defaultValue ||
        (item === false && node.c.datentyp === 'bool');
      return preset ? [] : [`${where}/${key} = ${JSON.stringify(item)}`];
    });
  });
}

/** How many select boxes the data fills: select fields with a list of values (others render as text). */
function selectValues(nodes: readonly PlanNode[], data: Record<string, unknown>): number {
  let n = 0;
  for (const node of nodes) {
    const value = data[node.key];
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      if (node.kind === 'group') n += selectValues(node.children, item as Record<string, unknown>);
      else if (node.c.feldart === 'select' && node.c.options) n++;
    }
  }
  return n;
}

const hasLabel = (c: FormCase): boolean =>
  [...walk(c.validator.plan.children)].some((n) => n.kind === 'field' && n.c.noData);

describe('FIM forms in react-jsonschema-form, headless Chromium', () => {
  const cases = formCases();
  const portal = cases.filter((c) => c.name.startsWith('portal-'));
  // Three forms to look at: the demo and a portal form filled with the sample, BlaueKarte empty.
  const screenshots = new Map<string, 'filled' | 'empty'>([
    ['demo-bewohnerparkausweis', 'filled'],
    ['BlaueKarte', 'empty'],
    [(portal.find(hasLabel) ?? portal[0]).name, 'filled'],
  ]);
  let bundle: PageBundle;
  let browser: RjsfBrowser;

  before(async () => {
    bundle = await bundlePage();
    browser = await RjsfBrowser.launch(bundle);
  });

  after(async () => {
    await browser?.close();
  });

  it('covers the demo, BlaueKarte and at least ten portal schemas', (t) => {
    t.diagnostic(
      `page bundle ${bundle.bytes} bytes${bundle.buildMs > 0 ? `, built in ${bundle.buildMs} ms` : ''}`,
    );
    t.diagnostic(`portal schemas: ${portal.map((c) => c.name).join(', ')}`);
    assert.deepEqual(
      cases.slice(0, 2).map((c) => c.name),
      ['demo-bewohnerparkausweis', 'BlaueKarte'],
    );
    assert.ok(portal.length >= 10, `only ${portal.length} portal schemas`);
  });

  for (const c of cases) {
    it(c.name, async (t) => {
      const v = c.validator;
      const schema = v.jsonSchema();
      const ui = v.uiSchema();

      // Empty: every field renders, nothing is chosen for the citizen.
      await browser.render(schema, ui);
      const empty = await browser.inspect();
      assert.deepEqual(empty.unsupported, [], 'blocks RJSF cannot render');
      assertNoIds(empty.labels, v, 'empty form');
      assert.ok(empty.labels.length > 0);
      for (const s of empty.selects) {
        assert.equal(s.value, '', `select ${s.id} comes pre-selected`);
        assert.equal(s.placeholder, 'Bitte auswählen', `select ${s.id} has no "please choose"`);
      }
      assert.deepEqual(unexpectedDefaults(v.plan.children, await browser.formData()), []);
      if (screenshots.get(c.name) === 'empty') t.diagnostic(`screenshot ${await browser.screenshot(c.name)}`);

      // Filled with our sample: RJSF shows it and judges it as we do, at the same JSON Pointers.
      const sample = v.sample();
      const ours = v.validate(sample);
      await browser.render(schema, ui, sample);
      const filled = await browser.inspect();
      assert.deepEqual(filled.unsupported, []);
      assertNoIds(filled.labels, v, 'filled form');
      assert.equal(
        filled.selects.filter((s) => s.value !== '').length,
        selectValues(v.plan.children, sample),
        'every select of the sample shows its value',
      );
      const submitted = await browser.validateForm();
      assert.equal(submitted.valid, ours.valid, JSON.stringify(submitted.errors.slice(0, 5)));
      assert.deepEqual(pointers(submitted.errors), ourPointers(ours.errors));
      // `sample` is valid by construction (issue 16 §3), portal schemas included.
      assert.equal(ours.valid, true, JSON.stringify(ours.errors));
      if (screenshots.get(c.name) === 'filled')
        t.diagnostic(`screenshot ${await browser.screenshot(c.name)}`);

      // Mutations: RJSF refuses each at the JSON Pointers our validator names.
      const mutations = mutationsOf(v, sample);
      assert.ok(mutations.length >= 5, mutations.map((m) => m.what).join('; '));
      t.diagnostic(
        `${mutations.length} mutations: ${mutations.map((m) => m.what.split(' at ')[0]).join(', ')}`,
      );
      for (const m of mutations) {
        const mine = v.validate(m.data);
        assert.equal(mine.valid, false, `our validator accepts: ${m.what}`);
        const theirs = await browser.validateData(m.data);
        assert.equal(theirs.valid, false, `RJSF accepts: ${m.what}`);
        assert.deepEqual(pointers(theirs.errors), ourPointers(mine.errors), m.what);
      }

      // A refused submit names fields by their labels.
      const missing = mutations.find((m: Mutation) => m.what.startsWith('required field missing'));
      if (missing) {
        await browser.render(schema, ui, missing.data);
        assert.equal((await browser.validateForm()).valid, false);
        const view = await browser.inspect();
        assert.ok(view.errors.length > 0, 'RJSF lists the errors');
        assertNoIds(view.errors, v, `errors for ${missing.what}`);
      }
    });
  }
});
