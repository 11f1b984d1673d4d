/**
 * The forms the RJSF browser test renders, and mutations of their samples that our validator refuses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeListRegistry,
  type FieldPlan,
  type FimSchema,
  type FimValidator,
  type PlanNode,
  compileValidator,
  parseSchema,
} from '@amtsbote/fim';
import { repoRoot } from '@amtsbote/testing';

const FIXTURES = join(repoRoot(), '..', 'shared', 'fixtures');
const PORTAL_DIR = join(FIXTURES, 'fim-xdf3-portal');
/** Every n-th file of the portal fixtures (sorted), so that a file dropped in may be among them. */
export const PORTAL_STRIDE = 7;

export interface FormCase {
  name: string;
  validator: FimValidator;
}

/**
 * The real code lists the schemas refer to, in every version the fixtures hold. Reading all of them (12 MB
 * of XML) would take longer than rendering the forms, so only the files whose canonical URI is referenced
 * are parsed.
 */
function codeListsFor(schemas: readonly FimSchema[]): CodeListRegistry {
  const wanted = new Set<string>();
  for (const schema of schemas) {
    for (const node of schema.nodes.values()) {
      const uri = node.kind === 'field' ? node.field.codeliste?.canonicalUri : undefined;
      if (uri !== undefined) wanted.add(uri);
    }
  }
  const registry = new CodeListRegistry();
  const dir = join(FIXTURES, 'codelists-xrepository');
  for (const file of readdirSync(dir).filter((f) => /\.(xml|gc)$/.test(f))) {
    const bytes = readFileSync(join(dir, file));
    const uri = /<(?:\w+:)?CanonicalUri>\s*([^<\s]+)/.exec(bytes.toString('latin1'))?.[1];
    if (uri === undefined || wanted.has(uri)) registry.addGenericode(bytes, file);
  }
  return registry;
}

/** The demo schema, BlaueKarte and every {@link PORTAL_STRIDE}th portal schema, with the real code lists. */
export function formCases(): FormCase[] {
  const portal = readdirSync(PORTAL_DIR)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .filter((_, i) => i % PORTAL_STRIDE === 0);
  const files: Array<[string, string]> = [
    ['demo-bewohnerparkausweis', join(repoRoot(), 'test', 'demo', 'data', 'bewohnerparkausweis.xdf2.xml')],
    ['BlaueKarte', join(FIXTURES, 'fim-xdf2', 'BlaueKarte.xml')],
    ...portal.map((f): [string, string] => [`portal-${f.replace(/\.xml$/, '')}`, join(PORTAL_DIR, f)]),
  ];
  const schemas = files.map(([, file]) => parseSchema(readFileSync(file)));
  // Code lists the fixtures do not hold yet are accepted as any value (issue 16 §2 brings them).
  const options = { codeLists: codeListsFor(schemas), allowUnknownCodeLists: true };
  return files.map(([name], i) => ({ name, validator: compileValidator(schemas[i], options) }));
}

/** One place in the data: the plan node, its value and where it sits. */
interface Occurrence {
  node: PlanNode;
  pointer: string;
  parent: Record<string, unknown>;
  value: unknown;
}

/** Every element present in `data`, depth-first; of a repeated element only the first entry. */
function* occurrences(
  nodes: readonly PlanNode[],
  data: Record<string, unknown>,
  pointer = '',
): Generator<Occurrence> {
  for (const node of nodes) {
    const value = data[node.key];
    if (value === undefined) continue;
    const here = `${pointer}/${node.key}`;
    yield { node, pointer: here, parent: data, value };
    const first = Array.isArray(value) ? (value[0] as unknown) : value;
    const at = Array.isArray(value) ? `${here}/0` : here;
    if (node.kind === 'group' && typeof first === 'object' && first !== null) {
      yield* occurrences(node.children, first as Record<string, unknown>, at);
    }
  }
}

export interface Mutation {
  what: string;
  data: Record<string, unknown>;
}

/**
 * Up to seven changes of the sample that our validator must refuse: an unknown property, a code not in the
 * list, an overlong text, a missing required element, a wrong type or date, a file without its id, a label
 * with a value.
 */
export function mutationsOf(v: FimValidator, sample: Record<string, unknown>): Mutation[] {
  const out: Mutation[] = [];
  const tryOne = (what: string, pick: (o: Occurrence) => boolean, change: (o: Occurrence) => void): void => {
    const data = structuredClone(sample);
    const found = [...occurrences(v.plan.children, data)].find(pick);
    if (!found) return;
    change(found);
    out.push({ what: `${what} at ${found.pointer}`, data });
  };
  const field = (o: Occurrence): FieldPlan | undefined =>
    o.node.kind === 'field' && !Array.isArray(o.value) ? o.node : undefined;
  const set = (value: unknown) => (o: Occurrence) => {
    o.parent[o.node.key] = value;
  };

  out.push({ what: 'unknown property at the root', data: { ...structuredClone(sample), unbekannt: 'x' } });
  tryOne('code not in the list', (o) => field(o)?.c.options !== undefined, set('kein-code'));
  tryOne(
    'text longer than maxLength',
    (o) => field(o)?.c.maxLength !== undefined && field(o)?.c.feldart === 'input',
    (o) => set('x'.repeat((field(o)?.c.maxLength ?? 0) + 1))(o),
  );
  tryOne(
    'required field missing',
    (o) => o.node.kind === 'field' && o.node.multiplicity.min >= 1,
    (o) => delete o.parent[o.node.key],
  );
  tryOne(
    'impossible date',
    (o) => field(o)?.c.datentyp === 'date' && field(o)?.c.fixed === undefined,
    set('2021-02-30'),
  );
  tryOne(
    'text where a number or yes/no belongs',
    (o) => ['num', 'num_int', 'bool'].includes(field(o)?.c.datentyp ?? ''),
    set('falsch'),
  );
  tryOne(
    'file without attachment id',
    (o) => field(o)?.c.datentyp === 'file',
    (o) => delete (o.value as Record<string, unknown>).attachmentId,
  );
  const label = [...occurrencesOfLabels(v.plan.children, sample)][0];
  if (label) {
    const data = structuredClone(sample);
    const parent = label.path.reduce<Record<string, unknown>>(
      (d, k) => d[k] as Record<string, unknown>,
      data,
    );
    parent[label.key] = 'Text';
    out.push({ what: `label with a value at /${[...label.path, label.key].join('/')}`, data });
  }
  return out;
}

/** Labels carry no data, so they are found through their group, which the sample does hold. */
function* occurrencesOfLabels(
  nodes: readonly PlanNode[],
  data: Record<string, unknown>,
  path: Array<string | number> = [],
): Generator<{ path: Array<string | number>; key: string }> {
  for (const node of nodes) {
    if (node.kind === 'field' && node.c.noData) yield { path, key: node.key };
    if (node.kind !== 'group') continue;
    const value = data[node.key];
    if (Array.isArray(value) && value.length > 0) {
      yield* occurrencesOfLabels(node.children, value[0] as Record<string, unknown>, [...path, node.key, 0]);
    } else if (typeof value === 'object' && value !== null) {
      yield* occurrencesOfLabels(node.children, value as Record<string, unknown>, [...path, node.key]);
    }
  }
}
