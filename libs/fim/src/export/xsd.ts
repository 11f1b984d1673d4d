import type { FimSchema } from '../model';
import { DIN_91379_C_XSD_PATTERN } from '../validator/din91379';
import { toDecimalString } from '../validator/formats';
import {
  type FieldPlan,
  type PlanNode,
  type SchemaOptions,
  type SchemaPlan,
  planSchema,
} from '../validator/plan';
import { defaultNamespace } from './xml';
import { XmlBuilder, toNcName } from './xml-writer';

export interface XsdExportOptions extends SchemaOptions {
  /** Target namespace; must match the one used for {@link toXml}. Default {@link defaultNamespace}. */
  namespace?: string;
  /** Add xs:documentation with labels (default true). */
  annotations?: boolean;
}

const XS = 'xs';
const DIN_TYPE = 'DIN91379.datatypeC';

function escapeXsdRegex(s: string): string {
  return s.replace(/[.\\?*+{}()[\]|^-]/g, '\\$&');
}

class XsdBuilder {
  private readonly emitted = new Set<string>();
  private needsDin = false;
  /** Type definitions, already indented one level for xs:schema. */
  readonly types = new XmlBuilder();

  constructor(private readonly annotations: boolean) {}

  private doc(b: XmlBuilder, text: string | undefined): void {
    if (!this.annotations || text === undefined) return;
    b.open(`${XS}:annotation`).leaf(`${XS}:documentation`, text).close(`${XS}:annotation`);
  }

  typeName(node: PlanNode): string {
    return toNcName(node.defKey);
  }

  elements(b: XmlBuilder, children: readonly PlanNode[]): void {
    b.open(`${XS}:sequence`);
    for (const child of children) {
      if (child.kind === 'field' && child.c.noData) continue;
      this.define(child);
      const { min, max } = child.multiplicity;
      const fixed = child.kind === 'field' ? child.c.fixed : undefined;
      const attrs = {
        name: child.key,
        type: `tns:${this.typeName(child)}`,
        minOccurs: min === 1 ? undefined : min,
        maxOccurs: max === null ? 'unbounded' : max === 1 ? undefined : max,
        // hidden/locked fields with inhalt: the value space comparison of `fixed` fits every simple type.
        fixed:
          fixed === undefined
            ? undefined
            : typeof fixed === 'number'
              ? toDecimalString(fixed)
              : String(fixed),
      };
      if (this.annotations) {
        b.open(`${XS}:element`, attrs);
        this.doc(b, child.label);
        b.close(`${XS}:element`);
      } else {
        b.empty(`${XS}:element`, attrs);
      }
    }
    b.close(`${XS}:sequence`);
  }

  define(node: PlanNode): void {
    const name = this.typeName(node);
    if (this.emitted.has(name)) return;
    this.emitted.add(name);
    const b = new XmlBuilder();
    if (node.kind === 'group') {
      b.open(`${XS}:complexType`, { name });
      this.doc(b, node.help ?? node.label);
      this.elements(b, node.children);
      b.close(`${XS}:complexType`);
    } else if (node.c.datentyp === 'file' && node.c.feldart !== 'select') {
      this.attachment(b, node, name);
    } else {
      b.open(`${XS}:simpleType`, { name });
      this.doc(b, node.help ?? node.label);
      this.restriction(b, node);
      b.close(`${XS}:simpleType`);
    }
    for (const line of b.toString().trimEnd().split('\n')) this.types.raw(`  ${line}`);
  }

  private restriction(b: XmlBuilder, p: FieldPlan): void {
    const c = p.c;
    const facets: Array<[string, string]> = [];
    let base: string;
    if (c.feldart === 'select') {
      base = `${XS}:string`;
      for (const o of c.options ?? []) facets.push(['enumeration', o.code]);
    } else {
      switch (c.datentyp) {
        case 'text':
        case 'text_latin':
          if (c.latin) this.needsDin = true;
          base = c.latin ? `tns:${DIN_TYPE}` : `${XS}:string`;
          if (c.minLength !== undefined) facets.push(['minLength', String(c.minLength)]);
          if (c.maxLength !== undefined) facets.push(['maxLength', String(c.maxLength)]);
          if (c.pattern) facets.push(['pattern', c.pattern.xsd]);
          break;
        case 'date':
          base = `${XS}:date`;
          if (c.formatMinimum !== undefined) facets.push(['minInclusive', c.formatMinimum]);
          if (c.formatMaximum !== undefined) facets.push(['maxInclusive', c.formatMaximum]);
          break;
        case 'time':
          base = `${XS}:time`;
          break;
        case 'datetime':
          base = `${XS}:dateTime`;
          break;
        case 'bool':
          base = `${XS}:boolean`;
          break;
        case 'num':
        case 'num_int':
        case 'num_currency':
          base = c.datentyp === 'num_int' ? `${XS}:integer` : `${XS}:decimal`;
          if (c.datentyp === 'num_currency') facets.push(['fractionDigits', '2']);
          if (c.minimum !== undefined) facets.push(['minInclusive', toDecimalString(c.minimum)]);
          if (c.maximum !== undefined) facets.push(['maxInclusive', toDecimalString(c.maximum)]);
          break;
        case 'obj':
        case 'file':
          // obj values are written as JSON text.
          base = `${XS}:string`;
          break;
      }
    }
    b.open(`${XS}:restriction`, { base });
    for (const [facet, value] of facets) b.empty(`${XS}:${facet}`, { value });
    b.close(`${XS}:restriction`);
  }

  private attachment(b: XmlBuilder, p: FieldPlan, name: string): void {
    const file = p.c.file ?? { mediaTypes: [] };
    b.open(`${XS}:complexType`, { name });
    this.doc(b, p.help ?? p.label);
    b.open(`${XS}:sequence`);
    const stringElement = (
      elName: string,
      minOccurs: number | undefined,
      facets: Array<[string, string]>,
    ): void => {
      b.open(`${XS}:element`, { name: elName, minOccurs });
      b.open(`${XS}:simpleType`).open(`${XS}:restriction`, { base: `${XS}:string` });
      for (const [facet, value] of facets) b.empty(`${XS}:${facet}`, { value });
      b.close(`${XS}:restriction`).close(`${XS}:simpleType`);
      b.close(`${XS}:element`);
    };
    stringElement('attachmentId', undefined, [
      ['minLength', '1'],
      ['maxLength', '256'],
    ]);
    stringElement('filename', 0, [['maxLength', '255']]);
    const mediaFacets: Array<[string, string]> =
      file.mediaTypes.length > 0
        ? [['pattern', file.mediaTypes.map((m) => m.split('*').map(escapeXsdRegex).join('[^/]*')).join('|')]]
        : [];
    stringElement('mediaType', file.mediaTypes.length > 0 ? undefined : 0, mediaFacets);
    b.open(`${XS}:element`, { name: 'size', minOccurs: file.maxBytes === undefined ? 0 : undefined });
    b.open(`${XS}:simpleType`).open(`${XS}:restriction`, { base: `${XS}:nonNegativeInteger` });
    if (file.maxBytes !== undefined) b.empty(`${XS}:maxInclusive`, { value: String(file.maxBytes) });
    b.close(`${XS}:restriction`).close(`${XS}:simpleType`);
    b.close(`${XS}:element`);
    b.close(`${XS}:sequence`);
    b.close(`${XS}:complexType`);
  }

  dinType(): string[] {
    if (!this.needsDin) return [];
    const b = new XmlBuilder();
    b.open(`${XS}:simpleType`, { name: DIN_TYPE });
    this.doc(b, 'DIN 91379 datatype C: all normative characters (Datentyp text_latin)');
    b.open(`${XS}:restriction`, { base: `${XS}:string` });
    b.empty(`${XS}:pattern`, { value: DIN_91379_C_XSD_PATTERN });
    b.close(`${XS}:restriction`);
    b.close(`${XS}:simpleType`);
    return b
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`);
  }
}

/** Builds the XSD from a computed plan; see {@link toXsd}. */
export function planToXsd(plan: SchemaPlan, options: XsdExportOptions = {}): string {
  const ns = options.namespace ?? defaultNamespace(plan.schema);
  const annotations = options.annotations !== false;
  const x = new XsdBuilder(annotations);
  const m = plan.schema.meta;
  const rootType = toNcName(`${m.idVersion}.root`);
  const root = new XmlBuilder();
  root.open(`${XS}:complexType`, { name: rootType });
  x.elements(root, plan.children);
  root.close(`${XS}:complexType`);

  const out = new XmlBuilder();
  out.raw('<?xml version="1.0" encoding="UTF-8"?>');
  out.open(`${XS}:schema`, {
    'xmlns:xs': 'http://www.w3.org/2001/XMLSchema',
    'xmlns:tns': ns,
    targetNamespace: ns,
    elementFormDefault: 'qualified',
    attributeFormDefault: 'unqualified',
    version: m.version,
  });
  if (annotations) {
    out.open(`${XS}:annotation`);
    out.leaf(
      `${XS}:documentation`,
      `FIM ${plan.schema.messageType} ${m.id}${m.version ? ` version ${m.version}` : ''} (${plan.schema.generation}): ${plan.rootLabel}. Generated by @amtsbote/fim.`,
    );
    out.close(`${XS}:annotation`);
  }
  out.empty(`${XS}:element`, { name: plan.rootId, type: `tns:${rootType}` });
  for (const line of root.toString().trimEnd().split('\n')) out.raw(`  ${line}`);
  for (const line of x.types.toString().trimEnd().split('\n')) if (line.trim() !== '') out.raw(line);
  for (const line of x.dinType()) out.raw(line);
  out.close(`${XS}:schema`);
  return out.toString();
}

/** XML Schema of the data XML produced by {@link toXml}: one element per FIM id, types per `id_version`. */
export function toXsd(schema: FimSchema, options: XsdExportOptions = {}): string {
  return planToXsd(planSchema(schema, options), options);
}
