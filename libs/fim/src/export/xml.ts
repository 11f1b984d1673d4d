import { FimExportError } from '../errors';
import type { FimSchema } from '../model';
import { toDecimalString } from '../validator/formats';
import {
  type FieldPlan,
  type PlanNode,
  type SchemaOptions,
  type SchemaPlan,
  planSchema,
} from '../validator/plan';
import { XmlBuilder, isXmlText } from './xml-writer';

export interface XmlExportOptions extends SchemaOptions {
  /** Target namespace of the data elements. Default {@link defaultNamespace}. */
  namespace?: string;
  /** Omit the `<?xml ...?>` declaration, e.g. to embed the fragment into an XÖV message. */
  omitDeclaration?: boolean;
}

/** Namespace used for FIM data elements unless the caller chooses one: `urn:amtsbote:fim:<id>_<version>`. */
export function defaultNamespace(schema: FimSchema): string {
  return `urn:amtsbote:fim:${schema.meta.idVersion}`;
}

function normalizeTime(t: string, path: string): string {
  const m = /^(\d\d:\d\d:\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)$/i.exec(t);
  if (!m) throw new FimExportError(`"${t}" is not a time`, path);
  if (m[1].startsWith('24') || /^\d\d:\d\d:6/.test(m[1])) {
    throw new FimExportError(`leap second "${t}" cannot be represented as xs:time`, path);
  }
  const zone = m[2].toLowerCase() === 'z' ? 'Z' : `${m[3]}${m[4]}:${m[5] ?? '00'}`;
  return `${m[1]}${zone}`;
}

function scalarText(p: FieldPlan, v: unknown, path: string): string {
  const c = p.c;
  const bad = (): never => {
    throw new FimExportError(`value does not fit ${p.elementId} (${c.feldart}/${c.datentyp})`, path);
  };
  if (c.feldart === 'select') return typeof v === 'string' ? v : bad();
  switch (c.datentyp) {
    case 'text':
    case 'text_latin':
    case 'date':
      return typeof v === 'string' ? v : bad();
    case 'time':
      return typeof v === 'string' ? normalizeTime(v, path) : bad();
    case 'datetime': {
      if (typeof v !== 'string') return bad();
      const parts = v.split(/t|\s/i);
      if (parts.length !== 2) return bad();
      return `${parts[0]}T${normalizeTime(parts[1], path)}`;
    }
    case 'bool':
      return typeof v === 'boolean' ? String(v) : bad();
    case 'num':
    case 'num_int':
      return typeof v === 'number' && Number.isFinite(v) ? toDecimalString(v) : bad();
    case 'num_currency':
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad();
      return Math.abs(v) < 1e21 ? v.toFixed(2) : toDecimalString(v);
    case 'obj':
      return JSON.stringify(v) ?? bad();
    case 'file':
      return bad();
  }
}

function checked(text: string, path: string): string {
  if (!isXmlText(text))
    throw new FimExportError('value contains characters that XML 1.0 cannot represent', path);
  return text;
}

function writeField(b: XmlBuilder, p: FieldPlan, v: unknown, path: string): void {
  if (p.c.datentyp === 'file' && p.c.feldart !== 'select') {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new FimExportError(`value of ${p.elementId} is not an attachment reference`, path);
    }
    const ref = v as Record<string, unknown>;
    b.open(p.key);
    for (const k of ['attachmentId', 'filename', 'mediaType', 'size'] as const) {
      const x = ref[k];
      if (x === undefined) continue;
      const text =
        k === 'size'
          ? typeof x === 'number'
            ? toDecimalString(x)
            : undefined
          : typeof x === 'string'
            ? x
            : undefined;
      if (text === undefined) throw new FimExportError(`attachment ${k} has the wrong type`, `${path}/${k}`);
      b.leaf(k, checked(text, `${path}/${k}`));
    }
    b.close(p.key);
    return;
  }
  b.leaf(p.key, checked(scalarText(p, v, path), path));
}

function writeChildren(b: XmlBuilder, children: readonly PlanNode[], data: unknown, path: string): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new FimExportError('expected an object', path);
  }
  const obj = data as Record<string, unknown>;
  for (const child of children) {
    if (child.kind === 'field' && child.c.noData) continue;
    const value = obj[child.key];
    if (value === undefined) continue;
    const childPath = `${path}/${child.key}`;
    const repeated = child.multiplicity.max === null || child.multiplicity.max > 1;
    const items: unknown[] = repeated ? (Array.isArray(value) ? value : [value]) : [value];
    items.forEach((item, i) => {
      const itemPath = repeated ? `${childPath}/${i}` : childPath;
      if (child.kind === 'group') {
        b.open(child.key);
        writeChildren(b, child.children, item, itemPath);
        b.close(child.key);
      } else {
        writeField(b, child, item, itemPath);
      }
    });
  }
}

/** Serialises data of a computed plan; see {@link toXml}. */
export function planToXml(plan: SchemaPlan, data: unknown, options: XmlExportOptions = {}): string {
  const b = new XmlBuilder();
  if (options.omitDeclaration !== true) b.raw('<?xml version="1.0" encoding="UTF-8"?>');
  b.open(plan.rootId, { xmlns: options.namespace ?? defaultNamespace(plan.schema) });
  writeChildren(b, plan.children, data, '');
  b.close(plan.rootId);
  return b.toString();
}

/**
 * XML of submitted data: elements named by FIM ids, nested as in the schema, in schema order, in the
 * namespace of {@link toXsd}. Label fields are not written. Validate the data first; values that do not fit
 * their field raise {@link FimExportError}.
 */
export function toXml(schema: FimSchema, data: unknown, options: XmlExportOptions = {}): string {
  return planToXml(planSchema(schema, options), data, options);
}
