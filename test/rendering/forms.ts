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

/**
 * One place in the data: an element (`container` is the object holding it) or the first entry of a repeated
 * element (`container` is the array). `single` when `value` is one field value or one group object.
 */
interface Occurrence {
  node: PlanNode;
  pointer: string;
  container: Record<string, unknown> | unknown[];
  key: string | number;
  value: unknown;
  single: boolean;
}

/** Every element of `data` depth-first, labels included (they are absent: labels carry no data). */
function* occurrences(
  nodes: readonly PlanNode[],
  data: Record<string, unknown>,
  pointer = '',
): Generator<Occurrence> {
  for (const node of nodes) {
    const value = data[node.key];
    const here = `${pointer}/${node.key}`;
    const isLabel = node.kind === 'field' && node.c.noData;
    if (value === undefined && !isLabel) continue;
    const repeated = Array.isArray(value);
    yield { node, pointer: here, container: data, key: node.key, value, single: !repeated };
    const first: unknown = repeated ? value[0] : value;
    if (repeated && first !== undefined) {
      yield { node, pointer: `${here}/0`, container: value, key: 0, value: first, single: true };
    }
    if (node.kind === 'group' && typeof first === 'object' && first !== null) {
      yield* occurrences(node.children, first as Record<string, unknown>, repeated ? `${here}/0` : here);
    }
  }
}

export interface Mutation {
  what: string;
  data: Record<string, unknown>;
}

/**
 * Up to eight changes of the sample that our validator must refuse: an unknown property, a code not in the
 * list, an overlong text, a missing required field, an impossible date, text for a number or yes/no, a file
 * without its id, a label with a value.
 */
export function mutationsOf(v: FimValidator, sample: Record<string, unknown>): Mutation[] {
  const out: Mutation[] = [
    { what: 'unknown property at the root', data: { ...structuredClone(sample), unbekannt: 'x' } },
  ];
  const tryOne = (
    what: string,
    pick: (f: FieldPlan, o: Occurrence) => boolean,
    change: (o: Occurrence) => void,
  ): void => {
    const data = structuredClone(sample);
    const found = [...occurrences(v.plan.children, data)].find(
      (o) => o.node.kind === 'field' && pick(o.node, o),
    );
    if (!found) return;
    change(found);
    out.push({ what: `${what} at ${found.pointer}`, data });
  };
  const value = (o: Occurrence): boolean => o.single && o.value !== undefined;
  const set = (replacement: unknown) => (o: Occurrence) => {
    (o.container as Record<string | number, unknown>)[o.key] = replacement;
  };
  tryOne('code not in the list', (f, o) => value(o) && f.c.options !== undefined, set('kein-code'));
  tryOne(
    'text longer than maxLength',
    (f, o) => value(o) && f.c.feldart === 'input' && f.c.maxLength !== undefined,
    (o) => set('x'.repeat(((o.node as FieldPlan).c.maxLength ?? 0) + 1))(o),
  );
  tryOne(
    'required field missing',
    (f, o) => f.multiplicity.min >= 1 && o.value !== undefined && !Array.isArray(o.container),
    (o) => delete (o.container as Record<string, unknown>)[o.key as string],
  );
  tryOne(
    'impossible date',
    (f, o) => value(o) && f.c.datentyp === 'date' && f.c.fixed === undefined,
    set('2021-02-30'),
  );
  tryOne(
    'text where a number or yes/no belongs',
    (f, o) => value(o) && ['num', 'num_int', 'num_currency', 'bool'].includes(f.c.datentyp),
    set('falsch'),
  );
  tryOne(
    'file without attachment id',
    (f, o) => value(o) && f.c.datentyp === 'file',
    (o) => delete (o.value as Record<string, unknown>).attachmentId,
  );
  tryOne('label with a value', (f, o) => f.c.noData && !Array.isArray(o.container), set('Text'));
  return out;
}
