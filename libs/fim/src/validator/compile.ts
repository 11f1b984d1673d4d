import { type FormDefinition, planToFormDefinition } from '../export/form';
import { type JsonSchema, planToJsonSchema } from '../export/json-schema';
import { planSample } from '../export/sample';
import { type UiLanguage, type UiSchema, planToUiSchema } from '../export/ui-schema';
import { type XmlExportOptions, planToXml } from '../export/xml';
import { type XsdExportOptions, planToXsd } from '../export/xsd';
import type { FimSchema } from '../model';
import { DIN_91379_C_REGEXP } from './din91379';
import { codePointLength, isCurrency, isDate, isDateTime, isTime } from './formats';
import { type ErrorParams, type FimErrorCode, type LocalizedMessage, message } from './messages';
import { type FieldPlan, type PlanNode, type SchemaOptions, type SchemaPlan, planSchema } from './plan';

/** One validation problem. `path` is a JSON Pointer into the submitted data. */
export interface FimError {
  path: string;
  /** FIM id of the element the problem belongs to (the group or schema for unknown properties). */
  elementId: string;
  code: FimErrorCode;
  message: LocalizedMessage;
  params?: ErrorParams;
}

export interface ValidationResult {
  valid: boolean;
  errors: readonly FimError[];
  /** Set when more errors than `maxErrors` were found; the list then holds the first `maxErrors`. */
  truncated?: boolean;
}

export interface ValidateOptions {
  /** Drafts: missing required fields and too few repetitions are not reported; everything else is. */
  lenient?: boolean;
}

export interface CompileOptions extends SchemaOptions {
  /** Upper bound of reported errors per validation, against hostile inputs. Default 1000. */
  maxErrors?: number;
}

/**
 * A validator compiled once per schema version; `validate` can be called any number of times. The exports
 * reuse the same resolved code lists and patterns, so they always describe exactly what `validate` checks.
 */
export interface FimValidator {
  readonly schema: FimSchema;
  readonly plan: SchemaPlan;
  validate(data: unknown, options?: ValidateOptions): ValidationResult;
  jsonSchema(): JsonSchema;
  formDefinition(): FormDefinition;
  /** react-jsonschema-form hints to go with `jsonSchema()`; our own texts in `lang` (default German). */
  uiSchema(lang?: UiLanguage): UiSchema;
  sample(includeOptional?: boolean): Record<string, unknown>;
  toXml(data: unknown, options?: Pick<XmlExportOptions, 'namespace' | 'omitDeclaration'>): string;
  toXsd(options?: Pick<XsdExportOptions, 'namespace' | 'annotations'>): string;
}

interface Target {
  elementId: string;
  label: string;
}

class Stop extends Error {}

/** Mutable state of one validation run; reused between runs of the same validator. */
class State {
  errors: FimError[] | null = null;
  readonly segs: (string | number)[] = [];
  lenient = false;
  truncated = false;

  constructor(private readonly maxErrors: number) {}

  reset(lenient: boolean): void {
    this.errors = null;
    this.segs.length = 0;
    this.lenient = lenient;
    this.truncated = false;
  }

  fail(t: Target, code: FimErrorCode, params?: ErrorParams, extra?: string | number): void {
    const errors = (this.errors ??= []);
    if (errors.length >= this.maxErrors) {
      this.truncated = true;
      throw new Stop();
    }
    let path = '';
    for (const s of this.segs) path += '/' + escape(s);
    if (extra !== undefined) path += '/' + escape(extra);
    const error: FimError = {
      path,
      elementId: t.elementId,
      code,
      message: message(code, t.label, t.elementId, params),
    };
    if (params) error.params = params;
    errors.push(error);
  }
}

function escape(s: string | number): string {
  return typeof s === 'number' ? String(s) : s.replace(/~/g, '~0').replace(/\//g, '~1');
}

type Check = (v: unknown, st: State) => void;

const NO_ERRORS: readonly FimError[] = Object.freeze([]);
const VALID: ValidationResult = Object.freeze({ valid: true, errors: NO_ERRORS });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lengthCheck(
  t: Target,
  min: number | undefined,
  max: number | undefined,
): ((s: string, st: State) => void) | undefined {
  if (min === undefined && max === undefined) return undefined;
  const lo = min ?? 0;
  const hi = max ?? Infinity;
  const loParams = { limit: lo };
  const hiParams = { limit: hi };
  return (s, st) => {
    let len = s.length;
    // Code units bound code points from above and at most halve them; count exactly only when it matters.
    if (len > hi || len < 2 * lo) len = codePointLength(s);
    if (len < lo) st.fail(t, 'min_length', loParams);
    if (len > hi) st.fail(t, 'max_length', hiParams);
  };
}

function compileField(p: FieldPlan): Check {
  const c = p.c;
  const t: Target = p;
  if (c.noData) return (_v, st) => st.fail(t, 'no_data');
  const fixed = c.fixed;
  const fixedParams = fixed === undefined ? undefined : { expected: String(fixed) };
  const checkFixed = (v: unknown, st: State): void => {
    if (fixed !== undefined && v !== fixed) st.fail(t, 'fixed_value', fixedParams);
  };

  if (c.feldart === 'select') {
    const set = c.optionSet;
    const typeParams = { expected: 'string' };
    return (v, st) => {
      if (typeof v !== 'string') {
        st.fail(t, 'type', typeParams);
        return;
      }
      if (set !== undefined && !set.has(v)) st.fail(t, 'code', { value: v });
      checkFixed(v, st);
    };
  }

  switch (c.datentyp) {
    case 'text':
    case 'text_latin': {
      const len = lengthCheck(t, c.minLength, c.maxLength);
      const re = c.pattern?.regex;
      const latin = c.latin ? DIN_91379_C_REGEXP : undefined;
      const typeParams = { expected: 'string' };
      return (v, st) => {
        if (typeof v !== 'string') {
          st.fail(t, 'type', typeParams);
          return;
        }
        if (len !== undefined) len(v, st);
        if (re !== undefined && !re.test(v)) st.fail(t, 'pattern');
        if (latin !== undefined && !latin.test(v)) st.fail(t, 'charset');
        checkFixed(v, st);
      };
    }
    case 'date':
    case 'time':
    case 'datetime': {
      const test = c.datentyp === 'date' ? isDate : c.datentyp === 'time' ? isTime : isDateTime;
      const formatParams = { format: c.datentyp === 'datetime' ? 'date-time' : c.datentyp };
      const typeParams = { expected: 'string' };
      const min = c.formatMinimum;
      const max = c.formatMaximum;
      return (v, st) => {
        if (typeof v !== 'string') {
          st.fail(t, 'type', typeParams);
          return;
        }
        if (!test(v)) {
          st.fail(t, 'format', formatParams);
        } else {
          if (min !== undefined && v < min) st.fail(t, 'minimum', { limit: min });
          if (max !== undefined && v > max) st.fail(t, 'maximum', { limit: max });
        }
        checkFixed(v, st);
      };
    }
    case 'bool': {
      const typeParams = { expected: 'boolean' };
      return (v, st) => {
        if (typeof v !== 'boolean') st.fail(t, 'type', typeParams);
        else checkFixed(v, st);
      };
    }
    case 'num':
    case 'num_int':
    case 'num_currency': {
      const int = c.datentyp === 'num_int';
      const currency = c.datentyp === 'num_currency';
      const typeParams = { expected: int ? 'integer' : 'number' };
      const min = c.minimum;
      const max = c.maximum;
      return (v, st) => {
        if (typeof v !== 'number' || !(int ? Number.isInteger(v) : Number.isFinite(v))) {
          st.fail(t, 'type', typeParams);
          return;
        }
        if (min !== undefined && v < min) st.fail(t, 'minimum', { limit: min });
        if (max !== undefined && v > max) st.fail(t, 'maximum', { limit: max });
        if (currency && !isCurrency(v)) st.fail(t, 'currency');
        checkFixed(v, st);
      };
    }
    case 'file':
      return compileAttachment(p);
    case 'obj': {
      const typeParams = { expected: 'object' };
      return (v, st) => {
        if (!isPlainObject(v)) st.fail(t, 'type', typeParams);
      };
    }
  }
}

const ATTACHMENT_KEYS: Readonly<Record<string, true>> = Object.assign(
  Object.create(null) as Record<string, true>,
  {
    attachmentId: true,
    filename: true,
    mediaType: true,
    size: true,
  },
);

function compileAttachment(p: FieldPlan): Check {
  const t: Target = p;
  const file = p.c.file ?? { mediaTypes: [] };
  const re = file.mediaTypeRegex;
  const maxBytes = file.maxBytes;
  const allowed = file.mediaTypes.join(', ');
  const typeParams = { expected: 'attachment' };
  const reason = (r: string): ErrorParams => ({ reason: r });
  return (v, st) => {
    if (!isPlainObject(v)) {
      st.fail(t, 'type', typeParams);
      return;
    }
    const id = v.attachmentId;
    if (typeof id !== 'string' || id.length === 0 || codePointLength(id) > 256) {
      st.fail(t, 'attachment', reason('attachmentId'), 'attachmentId');
    }
    const name = v.filename;
    if (name !== undefined && (typeof name !== 'string' || codePointLength(name) > 255)) {
      st.fail(t, 'attachment', reason('filename'), 'filename');
    }
    const type = v.mediaType;
    if (type === undefined ? re !== undefined : typeof type !== 'string') {
      st.fail(t, 'attachment', reason('mediaType'), 'mediaType');
    } else if (re !== undefined && typeof type === 'string' && !re.test(type)) {
      st.fail(t, 'media_type', { value: type, allowed }, 'mediaType');
    }
    const size = v.size;
    if (size === undefined ? maxBytes !== undefined : !(Number.isInteger(size) && (size as number) >= 0)) {
      st.fail(t, 'attachment', reason('size'), 'size');
    } else if (maxBytes !== undefined && (size as number) > maxBytes) {
      st.fail(t, 'file_size', { limit: maxBytes }, 'size');
    }
    for (const k in v) if (ATTACHMENT_KEYS[k] !== true) st.fail(t, 'attachment', reason('unknown'), k);
  };
}

/** Wraps an element check with its multiplicity: arrays where max > 1. */
function withMultiplicity(node: PlanNode, inner: Check): Check {
  const { min, max } = node.multiplicity;
  if (node.kind === 'field' && node.c.noData) return inner;
  if (max !== null && max <= 1) return inner;
  const t: Target = node;
  const minParams = { limit: min };
  const maxParams = { limit: max ?? 0 };
  const typeParams = { expected: 'array' };
  return (v, st) => {
    if (!Array.isArray(v)) {
      st.fail(t, 'type', typeParams);
      return;
    }
    const n = v.length;
    if (n < min && !st.lenient) st.fail(t, 'min_items', minParams);
    if (max !== null && n > max) st.fail(t, 'max_items', maxParams);
    const segs = st.segs;
    for (let i = 0; i < n; i++) {
      segs.push(i);
      inner(v[i], st);
      segs.pop();
    }
  };
}

function compileObject(children: readonly PlanNode[], owner: Target): Check {
  const n = children.length;
  const keys = children.map((c) => c.key);
  const checks = children.map((c) =>
    withMultiplicity(c, c.kind === 'group' ? compileObject(c.children, c) : compileField(c)),
  );
  const required = children.map((c) => c.multiplicity.min >= 1 && !(c.kind === 'field' && c.c.noData));
  const targets: readonly Target[] = children;
  const known = Object.create(null) as Record<string, true>;
  for (const k of keys) known[k] = true;
  const typeParams = { expected: 'object' };
  return (v, st) => {
    if (!isPlainObject(v)) {
      st.fail(owner, 'type', typeParams);
      return;
    }
    const segs = st.segs;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      const cv = v[key];
      if (cv === undefined) {
        if (required[i] && !st.lenient) st.fail(targets[i], 'required', undefined, key);
        continue;
      }
      segs.push(key);
      checks[i](cv, st);
      segs.pop();
    }
    for (const k in v) {
      if (known[k] !== true) st.fail(owner, 'unknown_property', { property: k }, k);
    }
  };
}

/**
 * Compiles a validator for a parsed schema. Resolves code lists and patterns up front and fails with
 * {@link FimSchemaError} if the schema cannot be enforced; compile once per schema id + version and reuse.
 */
export function compileValidator(schema: FimSchema, options: CompileOptions = {}): FimValidator {
  const plan = planSchema(schema, options);
  const root = compileObject(plan.children, { elementId: plan.rootId, label: plan.rootLabel });
  const state = new State(options.maxErrors ?? 1000);
  let jsonSchema: JsonSchema | undefined;
  return {
    schema,
    plan,
    jsonSchema: () => structuredClone((jsonSchema ??= planToJsonSchema(plan))),
    formDefinition: () => planToFormDefinition(plan),
    uiSchema: (lang) => planToUiSchema(plan, lang),
    sample: (includeOptional = true) => planSample(plan, includeOptional),
    toXml: (data, opts) => planToXml(plan, data, opts),
    toXsd: (opts) => planToXsd(plan, opts),
    validate(data: unknown, opts?: ValidateOptions): ValidationResult {
      state.reset(opts?.lenient === true);
      try {
        root(data, state);
      } catch (e) {
        if (!(e instanceof Stop)) throw e;
      }
      const errors = state.errors;
      state.errors = null;
      if (errors === null) return VALID;
      return state.truncated ? { valid: false, errors, truncated: true } : { valid: false, errors };
    },
  };
}

/** Compiled validators by schema id and version, for services that see the same schemas again and again. */
export class ValidatorCache {
  private readonly cache = new Map<string, FimValidator>();

  constructor(private readonly options: CompileOptions = {}) {}

  static key(schema: FimSchema): string {
    return `${schema.meta.id}@${schema.meta.version ?? ''}`;
  }

  /** Returns the cached validator of this schema id + version, compiling it on first use. */
  get(schema: FimSchema): FimValidator {
    const key = ValidatorCache.key(schema);
    let v = this.cache.get(key);
    if (!v) {
      v = compileValidator(schema, this.options);
      this.cache.set(key, v);
    }
    return v;
  }

  find(id: string, version?: string): FimValidator | undefined {
    return this.cache.get(`${id}@${version ?? ''}`);
  }

  get size(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
  }
}
