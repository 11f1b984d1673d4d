import type { ErrorObject } from 'ajv';
import { type PlanNode, walkPlan } from '../src/validator/plan';

type Json = Record<string, unknown>;

/** The JSON Pointer an ajv error is about (missing and unknown properties name the property itself). */
export function ajvPointer(e: ErrorObject): string {
  const p = e.params as { missingProperty?: string; additionalProperty?: string };
  const prop = p.missingProperty ?? p.additionalProperty;
  return prop === undefined
    ? e.instancePath
    : `${e.instancePath}/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export interface Mutation {
  what: string;
  pointer: string;
  apply(data: Json): void;
}

/** Where the element at `path` sits in `data` (first array item on the way), or undefined when the sample left it out. */
function locate(data: Json, path: string): { parent: Json; key: string; pointer: string } | undefined {
  const keys = path.split('/').slice(1);
  let cur: unknown = data;
  let pointer = '';
  for (let i = 0; i < keys.length; i++) {
    if (Array.isArray(cur)) {
      cur = cur[0];
      pointer += '/0';
    }
    if (typeof cur !== 'object' || cur === null) return undefined;
    const key = keys[i].replace(/~1/g, '/').replace(/~0/g, '~');
    if (i === keys.length - 1)
      return key in cur ? { parent: cur as Json, key, pointer: `${pointer}/${keys[i]}` } : undefined;
    cur = (cur as Json)[key];
    pointer += `/${keys[i]}`;
  }
  return undefined;
}

/**
 * Mutations at known places: an unknown property, and per field or group whatever applies (missing, wrong
 * type, too long, pattern, unknown code, range, date, attachment). One of each kind first, then more, at most 8.
 */
export function mutations(data: Json, nodes: readonly PlanNode[]): Mutation[] {
  const all: Mutation[] = [
    { what: 'unknown property', pointer: '/Zunbekannt', apply: (d) => (d.Zunbekannt = 1) },
  ];
  const add = (what: string, node: PlanNode, f: (v: unknown) => unknown, item = false, suffix = ''): void => {
    const at = locate(data, node.path);
    if (!at) return;
    const target = item && Array.isArray(at.parent[at.key]) ? `${at.pointer}/0` : at.pointer;
    all.push({
      what: `${what} ${node.elementId}`,
      pointer: target + suffix,
      apply: (d) => {
        const again = locate(d, node.path);
        if (!again) throw new Error(`lost ${node.path}`);
        const v = again.parent[again.key];
        if (item && Array.isArray(v)) v[0] = f(v[0]);
        else if (f === DELETE) delete again.parent[again.key];
        else again.parent[again.key] = f(v);
      },
    });
  };
  for (const node of walkPlan(nodes)) {
    const repeated = node.multiplicity.max === null || node.multiplicity.max > 1;
    if (node.multiplicity.min >= 1 && !(node.kind === 'field' && node.c.noData)) add('missing', node, DELETE);
    if (node.kind === 'group') {
      add('group as text', node, () => 'kein Objekt', repeated);
      add('unknown property in group', node, (v) => ({ ...(v as Json), Zfremd: true }), repeated, '/Zfremd');
      continue;
    }
    const c = node.c;
    if (c.noData) {
      // A label carries no data: a value there is an error at the label's place (in the first item).
      const owner = node.path.slice(0, node.path.lastIndexOf('/'));
      const at = owner === '' ? { pointer: '' } : locate(data, owner);
      if (!at) continue;
      const inArray =
        owner !== '' &&
        Array.isArray((at as { parent: Json; key: string }).parent[(at as { key: string }).key]);
      all.push({
        what: `label with data ${node.elementId}`,
        pointer: `${at.pointer}${inArray ? '/0' : ''}/${node.key}`,
        apply: (d) => {
          const o = owner === '' ? undefined : locate(d, owner);
          const v = o ? o.parent[o.key] : d;
          ((Array.isArray(v) ? v[0] : v) as Json)[node.key] = 'x';
        },
      });
      continue;
    }
    if (repeated) add('not an array', node, (v) => (v as unknown[])[0]);
    else add('array for a single value', node, (v) => [v]);
    if (c.maxLength !== undefined && c.feldart !== 'select')
      add('too long', node, () => 'x'.repeat((c.maxLength ?? 0) + 1), repeated);
    if (c.pattern) add('pattern', node, () => '\u0000', repeated);
    if (c.options && c.options.length > 0) add('unknown code', node, () => 'kein-code-xyz', repeated);
    if (c.maximum !== undefined) add('above maximum', node, () => (c.maximum ?? 0) + 1, repeated);
    if (c.datentyp === 'date' && c.feldart !== 'select')
      add('not a date', node, () => '31.12.2020', repeated);
    if (c.datentyp === 'file' && c.feldart !== 'select')
      add('file without id', node, () => ({}), repeated, '/attachmentId');
    add('wrong type', node, (v) => (typeof v === 'number' || typeof v === 'boolean' ? 'text' : 12), repeated);
    add('null', node, () => null, repeated);
  }
  const kind = (m: Mutation): string => m.what.slice(0, m.what.lastIndexOf(' '));
  const firsts = all.filter((m, i) => all.findIndex((o) => kind(o) === kind(m)) === i);
  return [...firsts, ...all.filter((m) => !firsts.includes(m))].slice(0, 8);
}
const DELETE = (): undefined => undefined;
