import { FimSampleError, type SampleProblem } from '../errors';
import type { FimSchema } from '../model';
import { type Dfa, compileDfa } from '../regex/automaton';
import { ANY, type CharSet, fromPairs } from '../regex/charset';
import { SearchBudgetError, generateMatch } from '../regex/generate';
import { parseXsdRegex } from '../regex/parse';
import { DIN_91379_C_REGEXP } from '../validator/din91379';
import { codePointLength, isCurrency } from '../validator/formats';
import type { LocalizedMessage } from '../validator/messages';
import {
  type FieldPlan,
  type PlanNode,
  type SchemaOptions,
  type SchemaPlan,
  type ValueConstraint,
  planSchema,
} from '../validator/plan';

export interface SampleOptions extends SchemaOptions {
  /** Include optional elements (default true), so that the example shows every element once. */
  includeOptional?: boolean;
}

/** Characters XML 1.0 can carry: a sample must survive `toXml`. */
const XML_CHARS: CharSet = fromPairs([
  [0x09, 0x0a],
  [0x0d, 0x0d],
  [0x20, 0xd7ff],
  [0xe000, 0xfffd],
  [0x10000, 0x10ffff],
]);

let dinChars: CharSet | undefined;
/** Single code points of DIN 91379 datatype C (combining sequences are not needed for a sample). */
function dinSingles(): CharSet {
  if (dinChars === undefined) {
    const pairs: Array<[number, number]> = [];
    for (let cp = 0; cp <= 0x2ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      if (DIN_91379_C_REGEXP.test(String.fromCodePoint(cp))) pairs.push([cp, cp]);
    }
    dinChars = fromPairs(pairs);
  }
  return dinChars;
}

let anyText: Dfa | undefined;
function anyTextDfa(): Dfa {
  anyText ??= compileDfa({ kind: 'repeat', node: { kind: 'set', set: ANY }, min: 0, max: null });
  return anyText;
}

/** Produces the shortest string matching an XML Schema pattern, or `undefined` (unreadable or no match). */
export function sampleForPattern(pattern: string): string | undefined {
  try {
    return generateMatch(compileDfa(parseXsdRegex(pattern)), 0, undefined, XML_CHARS);
  } catch {
    return undefined;
  }
}

class Contradiction extends Error {
  constructor(readonly reason: LocalizedMessage) {
    super(reason.en);
  }
}

function contradiction(de: string, en: string): never {
  throw new Contradiction({ de, en });
}

function textProblem(c: ValueConstraint, s: string): string | undefined {
  const n = codePointLength(s);
  if (c.minLength !== undefined && n < c.minLength) return 'minLength';
  if (c.maxLength !== undefined && n > c.maxLength) return 'maxLength';
  if (c.pattern && !c.pattern.regex.test(s)) return 'pattern';
  if (c.latin && !DIN_91379_C_REGEXP.test(s)) return 'DIN 91379';
  return undefined;
}

/** A text that satisfies length, pattern and character repertoire together; prefers a readable one. */
function textSample(p: FieldPlan): string {
  const c = p.c;
  const min = c.minLength ?? 0;
  const max = c.maxLength;
  if (max !== undefined && min > max)
    contradiction(
      `minLength ${min} ist größer als maxLength ${max}`,
      `minLength ${min} exceeds maxLength ${max}`,
    );
  let nice = 'Beispiel';
  if (/postleitzahl|plz/i.test(p.label)) nice = '10115';
  while (codePointLength(nice) < min) nice += 'x';
  if (max !== undefined && codePointLength(nice) > max) nice = Array.from(nice).slice(0, max).join('');
  for (const candidate of [c.defaultValue, nice]) {
    if (typeof candidate === 'string' && textProblem(c, candidate) === undefined) return candidate;
  }
  let found: string | undefined;
  try {
    found = generateMatch(c.pattern?.dfa ?? anyTextDfa(), min, max, c.latin ? dinSingles() : XML_CHARS);
  } catch (e) {
    if (!(e instanceof SearchBudgetError)) throw e;
    contradiction(
      'es konnte kein passender Wert gefunden werden (Suche abgebrochen)',
      'no matching value could be found (search gave up)',
    );
  }
  if (found !== undefined) return found;
  const length = `${min}..${max ?? '∞'}`;
  const latin = c.latin ? ' aus Zeichen nach DIN 91379' : '';
  const latinEn = c.latin ? ' of DIN 91379 characters' : '';
  if (c.pattern) {
    contradiction(
      `kein Text${latin} mit einer Länge von ${length} Zeichen passt zum Muster „${c.pattern.xsd}“`,
      `no text${latinEn} with a length of ${length} characters matches the pattern "${c.pattern.xsd}"`,
    );
  }
  return contradiction(`kein Text${latin} der Länge ${length}`, `no text${latinEn} of length ${length}`);
}

function range<T extends number | string>(lo: T | undefined, hi: T | undefined, what: string): void {
  if (lo !== undefined && hi !== undefined && lo > hi)
    contradiction(
      `${what}: minValue ${lo} ist größer als maxValue ${hi}`,
      `${what}: minValue ${lo} exceeds maxValue ${hi}`,
    );
}

function clamp(n: number, lo: number | undefined, hi: number | undefined): number {
  if (lo !== undefined && n < lo) return lo;
  if (hi !== undefined && n > hi) return hi;
  return n;
}

const SUBTYPES: Readonly<Record<string, string>> = { image: 'png', application: 'pdf', text: 'plain' };

function fileSample(c: ValueConstraint): Record<string, unknown> {
  const file = c.file;
  let mediaType = 'application/pdf';
  if (file && file.mediaTypes.length > 0) {
    const [type, sub = '*'] = file.mediaTypes[0].split('/');
    const t = type === '*' ? 'application' : type;
    mediaType = `${t}/${sub === '*' ? (SUBTYPES[t] ?? 'octet-stream') : sub}`;
    if (file.mediaTypeRegex && !file.mediaTypeRegex.test(mediaType))
      mediaType = file.mediaTypes[0].replace(/\*/g, 'x');
  }
  const ext = mediaType.split('/')[1].replace(/[^a-z0-9]/gi, '') || 'bin';
  return {
    attachmentId: '6f1c2f0e-9a4b-4c1e-8d7a-2b3c4d5e6f70',
    filename: `nachweis.${ext}`,
    mediaType,
    size: Math.min(1024, file?.maxBytes ?? 1024),
  };
}

function unfixedSample(p: FieldPlan): unknown {
  const c = p.c;
  if (c.feldart === 'select') {
    if (c.options !== undefined && c.options.length === 0)
      contradiction(
        'die Codeliste des Auswahlfelds hat keine Einträge',
        'the code list of the select field has no entries',
      );
    const preset = typeof c.defaultValue === 'string' ? c.defaultValue : undefined;
    if (preset !== undefined && (c.optionSet === undefined || c.optionSet.has(preset))) return preset;
    return c.options?.[0]?.code ?? 'Beispielwert';
  }
  const preset = c.defaultValue;
  switch (c.datentyp) {
    case 'text':
    case 'text_latin':
      return textSample(p);
    case 'date': {
      range(c.formatMinimum, c.formatMaximum, 'date');
      let d = typeof preset === 'string' ? preset : '2024-05-17';
      if (c.formatMinimum !== undefined && d < c.formatMinimum) d = c.formatMinimum;
      if (c.formatMaximum !== undefined && d > c.formatMaximum) d = c.formatMaximum;
      return d;
    }
    case 'time':
      return typeof preset === 'string' ? preset : '12:30:00+02:00';
    case 'datetime':
      return typeof preset === 'string' ? preset : '2024-05-17T12:30:00+02:00';
    case 'bool':
      return typeof preset === 'boolean' ? preset : true;
    case 'num':
      range(c.minimum, c.maximum, 'num');
      return clamp(typeof preset === 'number' ? preset : 42.5, c.minimum, c.maximum);
    case 'num_int': {
      const lo = c.minimum === undefined ? undefined : Math.ceil(c.minimum);
      const hi = c.maximum === undefined ? undefined : Math.floor(c.maximum);
      if (lo !== undefined && hi !== undefined && lo > hi)
        contradiction(
          `keine ganze Zahl zwischen ${c.minimum} und ${c.maximum}`,
          `no integer between ${c.minimum} and ${c.maximum}`,
        );
      return clamp(typeof preset === 'number' ? preset : 42, lo, hi);
    }
    case 'num_currency': {
      const lo = c.minimum === undefined ? undefined : Math.ceil(Math.round(c.minimum * 1e6) / 1e4) / 100;
      const hi = c.maximum === undefined ? undefined : Math.floor(Math.round(c.maximum * 1e6) / 1e4) / 100;
      if (lo !== undefined && hi !== undefined && lo > hi)
        contradiction(
          `kein Betrag in Cent zwischen ${c.minimum} und ${c.maximum}`,
          `no amount in cents between ${c.minimum} and ${c.maximum}`,
        );
      const v = clamp(typeof preset === 'number' ? preset : 1234.5, lo, hi);
      return isCurrency(v) ? v : (lo ?? hi ?? 0);
    }
    case 'file':
      return fileSample(c);
    case 'obj':
      return {};
  }
}

/** Checks a fixed value (hidden/locked inhalt) against the field's other constraints. */
function checkFixed(p: FieldPlan, v: string | number | boolean): void {
  const c = p.c;
  let why: string | undefined;
  if (
    typeof v === 'string' &&
    c.feldart !== 'select' &&
    (c.datentyp === 'text' || c.datentyp === 'text_latin')
  )
    why = textProblem(c, v);
  if (
    typeof v === 'number' &&
    ((c.minimum !== undefined && v < c.minimum) || (c.maximum !== undefined && v > c.maximum))
  )
    why = 'minValue/maxValue';
  if (typeof v === 'string' && c.datentyp === 'date' && c.feldart !== 'select') {
    if (
      (c.formatMinimum !== undefined && v < c.formatMinimum) ||
      (c.formatMaximum !== undefined && v > c.formatMaximum)
    )
      why = 'minValue/maxValue';
  }
  if (why !== undefined)
    contradiction(
      `der feste Wert (inhalt) „${String(v)}“ verletzt ${why}`,
      `the fixed value (inhalt) "${String(v)}" violates ${why}`,
    );
}

class Sampler {
  readonly problems: SampleProblem[] = [];

  constructor(private readonly includeOptional: boolean) {}

  field(p: FieldPlan): unknown {
    try {
      if (p.c.fixed !== undefined) {
        checkFixed(p, p.c.fixed);
        return p.c.fixed;
      }
      return unfixedSample(p);
    } catch (e) {
      if (!(e instanceof Contradiction)) throw e;
      this.problems.push({ elementId: p.elementId, path: p.path, message: e.reason });
      return undefined;
    }
  }

  node(node: PlanNode): unknown {
    return node.kind === 'group' ? this.object(node.children) : this.field(node);
  }

  object(children: readonly PlanNode[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const child of children) {
      if (child.kind === 'field' && child.c.noData) continue;
      const { min, max } = child.multiplicity;
      if (min === 0 && !this.includeOptional) continue;
      if (max !== null && max <= 1) {
        out[child.key] = this.node(child);
      } else {
        const count = Math.min(Math.max(min, 1), max ?? Infinity);
        const one = this.node(child);
        out[child.key] = Array.from({ length: count }, () => structuredClone(one));
      }
    }
    return out;
  }
}

/**
 * Builds an instance that the validator (and ajv on the exported JSON Schema) accepts: every value is
 * derived from all constraints of its field at once. Throws {@link FimSampleError} naming every field whose
 * constraints contradict each other.
 */
export function planSample(plan: SchemaPlan, includeOptional = true): Record<string, unknown> {
  const sampler = new Sampler(includeOptional);
  const data = sampler.object(plan.children);
  if (sampler.problems.length > 0) throw new FimSampleError(sampler.problems);
  return data;
}

/** A valid example instance of the schema (optional elements included unless `includeOptional: false`). */
export function sampleData(schema: FimSchema, options: SampleOptions = {}): Record<string, unknown> {
  return planSample(planSchema(schema, options), options.includeOptional !== false);
}
