import fc from 'fast-check';
import type { FieldPlan, PlanNode, SchemaPlan } from '../src/validator/plan';
import { codePointLength } from '../src/validator/formats';

/** Characters and sequences of DIN 91379 datatype C, including base letters with combining marks. */
const DIN_UNITS = [
  'a',
  'Z',
  'ß',
  'Ä',
  'é',
  'ø',
  'Ł',
  'ž',
  'Ǎ',
  ' ',
  '-',
  "'",
  '€',
  'ẞ',
  'C\u0328\u0306',
  'L\u0325\u0304',
  'ọ\u0308',
  '1',
  '.',
];

function between(s: string, min: number | undefined, max: number | undefined): boolean {
  const n = codePointLength(s);
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

function textArb(p: FieldPlan): fc.Arbitrary<string> {
  const c = p.c;
  const min = c.minLength ?? 0;
  const max = c.maxLength ?? Math.max(min, 1) + 24;
  if (c.pattern)
    return fc
      .stringMatching(new RegExp(c.pattern.source, 'u'))
      .filter((s) => between(s, c.minLength, c.maxLength));
  if (c.latin) {
    return fc
      .array(fc.constantFrom(...DIN_UNITS), { minLength: min, maxLength: Math.min(max, min + 20) })
      .map((parts) => parts.join(''))
      .filter((s) => between(s, c.minLength, c.maxLength));
  }
  return fc
    .oneof(
      fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, min + 20) }),
      fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.min(max, min + 20) }),
    )
    .filter((s) => between(s, c.minLength, c.maxLength));
}

const isoDate = fc
  .date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const two = (n: number): string => String(n).padStart(2, '0');
const isoTime = fc
  .tuple(
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
    fc.constantFrom('Z', 'z', '+01:00', '-05:30', '+0130', '+02'),
  )
  .map(
    ([h, m, s, frac, zone]) => `${two(h)}:${two(m)}:${two(s)}${frac === undefined ? '' : `.${frac}`}${zone}`,
  );

function fieldArb(p: FieldPlan): fc.Arbitrary<unknown> {
  const c = p.c;
  if (c.fixed !== undefined) return fc.constant(c.fixed);
  if (c.feldart === 'select') {
    return c.options && c.options.length > 0 ? fc.constantFrom(...c.options.map((o) => o.code)) : fc.string();
  }
  switch (c.datentyp) {
    case 'text':
    case 'text_latin':
      return textArb(p);
    case 'date':
      return isoDate.filter(
        (d) =>
          (c.formatMinimum === undefined || d >= c.formatMinimum) &&
          (c.formatMaximum === undefined || d <= c.formatMaximum),
      );
    case 'time':
      return isoTime;
    case 'datetime':
      return fc
        .tuple(isoDate, fc.constantFrom('T', 't', ' '), isoTime)
        .map(([d, sep, t]) => `${d}${sep}${t}`);
    case 'bool':
      return fc.boolean();
    case 'num':
      return fc.double({
        min: c.minimum ?? -1e9,
        max: c.maximum ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'num_int':
      return fc.integer({ min: Math.ceil(c.minimum ?? -1e9), max: Math.floor(c.maximum ?? 1e9) });
    case 'num_currency':
      return fc
        .integer({ min: -1e10, max: 1e10 })
        .map((cents) => cents / 100)
        .filter(
          (n) => (c.minimum === undefined || n >= c.minimum) && (c.maximum === undefined || n <= c.maximum),
        );
    case 'file': {
      const f = c.file;
      const required: Array<'attachmentId' | 'mediaType' | 'size'> = ['attachmentId'];
      if (f?.mediaTypeRegex) required.push('mediaType');
      if (f?.maxBytes !== undefined) required.push('size');
      return fc.record(
        {
          attachmentId: fc.string({ minLength: 1, maxLength: 40 }),
          filename: fc.string({ maxLength: 40 }),
          mediaType:
            f && f.mediaTypes.length > 0
              ? fc.constantFrom(...f.mediaTypes.map((m) => m.replace(/\*/g, 'png')))
              : fc.string({ maxLength: 30 }),
          size: fc.integer({ min: 0, max: f?.maxBytes ?? 50_000_000 }),
        },
        { requiredKeys: required },
      );
    }
    case 'obj':
      return fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
  }
}

function objectArb(children: readonly PlanNode[]): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = [];
  for (const child of children) {
    if (child.kind === 'field' && child.c.noData) continue;
    const item = child.kind === 'group' ? objectArb(child.children) : fieldArb(child);
    const { min, max } = child.multiplicity;
    model[child.key] =
      max !== null && max <= 1
        ? item
        : fc.array(item, { minLength: min, maxLength: Math.min(max ?? min + 2, min + 2) });
    if (min >= 1) requiredKeys.push(child.key);
  }
  return fc.record(model, { requiredKeys });
}

/** Instances that satisfy every rule the plan describes. */
export function validInstance(plan: SchemaPlan): fc.Arbitrary<Record<string, unknown>> {
  return objectArb(plan.children);
}

const REPLACEMENTS: readonly unknown[] = [
  null,
  0,
  -1,
  7,
  1.005,
  1e21,
  'x',
  '',
  'Ünïcødé €',
  'a'.repeat(300),
  true,
  false,
  [],
  {},
  [1, 2],
  { a: 1 },
  '2021-02-30',
  '2021-02-28',
  '12:00:00',
  '12:00:00Z',
  '24:00:00Z',
  '23:59:60Z',
  '2024-01-01T00:00:00Z',
  '2024-01-01 00:00:00+0100',
  '01',
  '000',
  'm',
  '997',
  '10115',
  1234.56,
  12.345,
  { attachmentId: 'a' },
  { attachmentId: '' },
  { attachmentId: 'a', mediaType: 'image/png', size: 10 },
  '\u0000',
  'Παπα',
  'C\u0328\u0306',
  '😀😀😀😀😀',
];

type Mutation = 'replace' | 'delete' | 'add' | 'empty' | 'grow';

interface Location {
  parent: Record<string, unknown> | unknown[] | undefined;
  key: string | number;
  value: unknown;
}

function locations(root: unknown): Location[] {
  const out: Location[] = [{ parent: undefined, key: '', value: root }];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i, value: item });
        visit(item);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, item] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k, value: item });
        visit(item);
      }
    }
  };
  visit(root);
  return out;
}

/** Applies random structural and value changes to a copy; the result may or may not stay valid. */
export function mutate(data: unknown, steps: ReadonlyArray<readonly [number, number, Mutation]>): unknown {
  let root: unknown = structuredClone(data);
  for (const [where, what, kind] of steps) {
    const locs = locations(root);
    const loc = locs[where % locs.length];
    const replacement = structuredClone(REPLACEMENTS[what % REPLACEMENTS.length]);
    const set = (v: unknown): void => {
      if (loc.parent === undefined) root = v;
      else if (Array.isArray(loc.parent)) loc.parent[loc.key as number] = v;
      else loc.parent[loc.key as string] = v;
    };
    switch (kind) {
      case 'replace':
        set(replacement);
        break;
      case 'delete':
        if (loc.parent && !Array.isArray(loc.parent)) delete loc.parent[loc.key as string];
        else if (Array.isArray(loc.parent)) loc.parent.splice(loc.key as number, 1);
        break;
      case 'add':
        if (Array.isArray(loc.value)) loc.value.push(replacement);
        else if (typeof loc.value === 'object' && loc.value !== null)
          (loc.value as Record<string, unknown>)[`Z${what}`] = replacement;
        else set(replacement);
        break;
      case 'empty':
        if (Array.isArray(loc.value)) loc.value.length = 0;
        else set(Array.isArray(replacement) ? [] : {});
        break;
      case 'grow':
        if (Array.isArray(loc.value) && loc.value.length > 0) {
          for (let i = 0; i < 6; i++) loc.value.push(structuredClone(loc.value[0]));
        } else {
          set([loc.value, loc.value]);
        }
        break;
    }
  }
  return root;
}

export const mutationSteps = fc.array(
  fc.tuple(
    fc.nat(),
    fc.nat(),
    fc.constantFrom<Mutation>('replace', 'replace', 'delete', 'add', 'empty', 'grow'),
  ),
  { minLength: 1, maxLength: 3 },
);
