import type { FimSchema } from '../model';
import { DIN_91379_C_REGEXP } from '../validator/din91379';
import { codePointLength } from '../validator/formats';
import {
  type FieldPlan,
  type PlanNode,
  type SchemaOptions,
  type SchemaPlan,
  planSchema,
} from '../validator/plan';

export interface SampleOptions extends SchemaOptions {
  /** Include optional elements (default true), so that the example shows every element once. */
  includeOptional?: boolean;
}

/**
 * Produces one string matching a simple XML Schema regular expression: literals, escapes, classes, groups,
 * alternatives and quantifiers (taking the smallest count, at least one for `+`). Returns `undefined` for
 * anything it does not understand.
 */
export function sampleForPattern(pattern: string): string | undefined {
  let i = 0;
  const p = pattern;
  const atom = (): string | undefined => {
    const ch = p[i];
    if (ch === '(') {
      i++;
      const alt = alternatives(')');
      if (p[i] !== ')') return undefined;
      i++;
      return alt;
    }
    if (ch === '[') {
      const close = findClassEnd(p, i);
      if (close === -1) return undefined;
      const body = p.slice(i + 1, close);
      i = close + 1;
      return classSample(body);
    }
    if (ch === '\\') {
      const next = p[i + 1];
      i += 2;
      if (next === 'd') return '1';
      if (next === 'w' || next === 'i' || next === 'c') return 'a';
      if (next === 's') return ' ';
      if (next === 'n') return '\n';
      if (next === 't') return '\t';
      if (next === 'p' || next === 'P') {
        const close = p.indexOf('}', i);
        if (close === -1) return undefined;
        i = close + 1;
        return next === 'p' ? 'a' : '1';
      }
      return next;
    }
    if (ch === '.') {
      i++;
      return 'a';
    }
    i++;
    return ch;
  };
  const quantified = (): string | undefined => {
    const a = atom();
    if (a === undefined) return undefined;
    const q = p[i];
    if (q === '?' || q === '*') {
      i++;
      return '';
    }
    if (q === '+') {
      i++;
      return a;
    }
    if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return a.repeat(Number(m[1]));
    }
    return a;
  };
  const sequence = (end: string): string | undefined => {
    let out = '';
    while (i < p.length && p[i] !== '|' && p[i] !== end) {
      const s = quantified();
      if (s === undefined) return undefined;
      out += s;
    }
    return out;
  };
  const alternatives = (end: string): string | undefined => {
    const first = sequence(end);
    while (p[i] === '|') {
      i++;
      if (sequence(end) === undefined) return undefined;
    }
    return first;
  };
  const result = alternatives('');
  return i === p.length ? result : undefined;
}

function findClassEnd(p: string, start: number): number {
  for (let i = start + 1; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === ']' && i > start + 1) return i;
  }
  return -1;
}

function classSample(body: string): string | undefined {
  if (body.startsWith('^')) {
    const excluded = body.slice(1);
    return ['a', 'x', '1', 'Z'].find((c) => !excluded.includes(c));
  }
  if (body.startsWith('\\')) {
    const e = body[1];
    return e === 'd' ? '1' : e === 's' ? ' ' : e === 'w' ? 'a' : e;
  }
  return body[0];
}

function textSample(p: FieldPlan): string {
  const c = p.c;
  if (c.pattern) {
    const s = sampleForPattern(c.pattern.xsd);
    if (s !== undefined && c.pattern.regex.test(s)) return s;
  }
  const min = c.minLength ?? 0;
  const max = c.maxLength ?? Infinity;
  let s = 'Beispiel';
  if (/postleitzahl|plz/i.test(p.label) && min <= 5 && max >= 5) s = '10115';
  while (codePointLength(s) < min) s += 'x';
  if (codePointLength(s) > max) s = s.slice(0, max);
  if (c.latin && !DIN_91379_C_REGEXP.test(s)) s = 'x'.repeat(Math.max(min, 1));
  return s;
}

function clamp(n: number, min: number | undefined, max: number | undefined): number {
  if (min !== undefined && n < min) return min;
  if (max !== undefined && n > max) return max;
  return n;
}

function fieldSample(p: FieldPlan): unknown {
  const c = p.c;
  if (c.fixed !== undefined) return c.fixed;
  if (c.feldart === 'select') return c.options?.[0]?.code ?? String(c.defaultValue ?? 'Beispielwert');
  switch (c.datentyp) {
    case 'text':
    case 'text_latin':
      return typeof c.defaultValue === 'string' ? c.defaultValue : textSample(p);
    case 'date': {
      let d = typeof c.defaultValue === 'string' ? c.defaultValue : '2024-05-17';
      if (c.formatMinimum !== undefined && d < c.formatMinimum) d = c.formatMinimum;
      if (c.formatMaximum !== undefined && d > c.formatMaximum) d = c.formatMaximum;
      return d;
    }
    case 'time':
      return typeof c.defaultValue === 'string' ? c.defaultValue : '12:30:00+02:00';
    case 'datetime':
      return typeof c.defaultValue === 'string' ? c.defaultValue : '2024-05-17T12:30:00+02:00';
    case 'bool':
      return typeof c.defaultValue === 'boolean' ? c.defaultValue : true;
    case 'num':
      return clamp(typeof c.defaultValue === 'number' ? c.defaultValue : 42.5, c.minimum, c.maximum);
    case 'num_int':
      return clamp(
        typeof c.defaultValue === 'number' ? c.defaultValue : 42,
        c.minimum === undefined ? undefined : Math.ceil(c.minimum),
        c.maximum === undefined ? undefined : Math.floor(c.maximum),
      );
    case 'num_currency':
      return clamp(
        typeof c.defaultValue === 'number' ? c.defaultValue : 1234.5,
        c.minimum === undefined ? undefined : Math.ceil(c.minimum * 100) / 100,
        c.maximum === undefined ? undefined : Math.floor(c.maximum * 100) / 100,
      );
    case 'file': {
      const file = c.file;
      const mediaType = file?.mediaTypes[0]?.replace(/\*/g, 'pdf') ?? 'application/pdf';
      return {
        attachmentId: '6f1c2f0e-9a4b-4c1e-8d7a-2b3c4d5e6f70',
        filename: 'nachweis.pdf',
        mediaType,
        size: Math.min(1024, file?.maxBytes ?? 1024),
      };
    }
    case 'obj':
      return {};
  }
}

function nodeSample(node: PlanNode, includeOptional: boolean): unknown {
  return node.kind === 'group' ? objectSample(node.children, includeOptional) : fieldSample(node);
}

function objectSample(children: readonly PlanNode[], includeOptional: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of children) {
    if (child.kind === 'field' && child.c.noData) continue;
    const { min, max } = child.multiplicity;
    if (min === 0 && !includeOptional) continue;
    const count = Math.max(min, 1);
    if (max !== null && max <= 1) out[child.key] = nodeSample(child, includeOptional);
    else
      out[child.key] = Array.from({ length: Math.min(count, max ?? count) }, () =>
        nodeSample(child, includeOptional),
      );
  }
  return out;
}

/** Builds an example instance from a computed plan. */
export function planSample(plan: SchemaPlan, includeOptional = true): Record<string, unknown> {
  return objectSample(plan.children, includeOptional);
}

/** A valid example instance of the schema (optional elements included unless `includeOptional: false`). */
export function sampleData(schema: FimSchema, options: SampleOptions = {}): Record<string, unknown> {
  return planSample(planSchema(schema, options), options.includeOptional !== false);
}
