import type { CodeList } from '../codelists/genericode';
import { pinnedUri } from '../codelists/registry';
import type { CodeListReference, Datentyp, Feldart, FimSchema, Vorbefuellung, XdfGeneration } from '../model';
import {
  type FieldPlan,
  type PlannedCodeList,
  type GroupPlan,
  type PlanNode,
  type ScalarValue,
  type SchemaOptions,
  type SchemaPlan,
  planSchema,
} from '../validator/plan';

/** Suggested input widget of a field. */
export type FormWidget =
  | 'text'
  | 'date'
  | 'time'
  | 'datetime'
  | 'checkbox'
  | 'number'
  | 'integer'
  | 'currency'
  | 'file'
  | 'select'
  | 'static'
  | 'hidden'
  | 'object';

/** A Regel shown to form authors; rules are not executed by the engine. */
export interface FormRule {
  id: string;
  version?: string;
  name: string;
  /** Free text of the rule (xdf2 definition, xdf3 freitextRegel). */
  text?: string;
  script?: string;
}

interface FormElementBase {
  key: string;
  /** JSON Pointer of the element in the data (without array indices). */
  path: string;
  id: string;
  version?: string;
  label: string;
  help?: string;
  minOccurs: number;
  maxOccurs: number | null;
  required: boolean;
  /** Data is an array (max > 1). */
  repeatable: boolean;
  rules: FormRule[];
}

export interface FormOption {
  value: string;
  label: string;
  help?: string;
}

/** A select field's code list: what the schema references and which stored version the options come from. */
export interface FormCodeList {
  canonicalUri?: string;
  /** Version the schema names, if any. */
  version?: string;
  /** canonicalVersionUri the schema names (pinned), if any. */
  canonicalVersionUri?: string;
  /** `exact`/`pinned`: the named version; `newest`: a newer or older stored version; `missing`: none stored. */
  status: PlannedCodeList['status'];
  /** canonicalVersionUri and version of the list the options come from. */
  resolved?: string;
  resolvedVersion?: string;
  /** Short name of the resolved list (e.g. "Staat"). */
  name?: string;
}

export interface FormField extends FormElementBase {
  kind: 'field';
  feldart: Feldart;
  datentyp: Datentyp;
  widget: FormWidget;
  readOnly: boolean;
  hidden: boolean;
  /** Static text of a label field. */
  text?: string;
  defaultValue?: ScalarValue;
  fixedValue?: ScalarValue;
  vorbefuellung?: Vorbefuellung;
  options?: FormOption[];
  /**
   * The code list the field references, also when it is not available (then the field takes any code and a
   * portal can fetch the list itself by `canonicalUri` + `version`).
   */
  codeList?: FormCodeList;
  constraints: {
    minLength?: number;
    maxLength?: number;
    /** ECMAScript pattern (anchored, use with the `u` flag). */
    pattern?: string;
    minimum?: number | string;
    maximum?: number | string;
    mediaTypes?: string[];
    maxBytes?: number;
  };
}

export interface FormGroup extends FormElementBase {
  kind: 'group';
  children: FormElement[];
}

export type FormElement = FormField | FormGroup;

/** Everything a portal needs to render a form: labels, help texts, order, options and multiplicity. */
export interface FormDefinition {
  id: string;
  version?: string;
  generation: XdfGeneration;
  title: string;
  help?: string;
  rules: FormRule[];
  children: FormElement[];
}

function widgetOf(p: FieldPlan): FormWidget {
  const c = p.c;
  if (c.feldart === 'label') return 'static';
  if (c.feldart === 'hidden') return 'hidden';
  if (c.feldart === 'select') return 'select';
  switch (c.datentyp) {
    case 'text':
    case 'text_latin':
      return 'text';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'datetime':
      return 'datetime';
    case 'bool':
      return 'checkbox';
    case 'num':
      return 'number';
    case 'num_int':
      return 'integer';
    case 'num_currency':
      return 'currency';
    case 'file':
      return 'file';
    case 'obj':
      return 'object';
  }
}

function rulesOf(plan: SchemaPlan, ids: readonly string[]): FormRule[] {
  return ids.flatMap((idVersion) => {
    const r = plan.schema.ruleDefs.get(idVersion);
    if (!r) return [];
    const rule: FormRule = { id: r.id, name: r.name };
    if (r.version !== undefined) rule.version = r.version;
    const text = r.freitextRegel ?? r.definition ?? r.beschreibung;
    if (text !== undefined) rule.text = text;
    if (r.script !== undefined) rule.script = r.script;
    return [rule];
  });
}

function base(
  plan: SchemaPlan,
  node: PlanNode,
  version: string | undefined,
  rules: readonly string[],
): FormElementBase {
  const { min, max } = node.multiplicity;
  const noData = node.kind === 'field' && node.c.noData;
  const b: FormElementBase = {
    key: node.key,
    path: node.path,
    id: node.elementId,
    label: node.label,
    minOccurs: min,
    maxOccurs: max,
    required: min >= 1 && !noData,
    repeatable: !noData && (max === null || max > 1),
    rules: rulesOf(plan, rules),
  };
  if (version !== undefined) b.version = version;
  if (node.help !== undefined) b.help = node.help;
  return b;
}

function formCodeList(plan: SchemaPlan, ref: CodeListReference, list: CodeList | undefined): FormCodeList {
  const pinned = pinnedUri(ref);
  const planned = plan.codeLists.find((l) => l.requested === (pinned ?? ref.canonicalUri));
  const out: FormCodeList = { status: planned?.status ?? (list ? 'exact' : 'missing') };
  if (ref.canonicalUri !== undefined) out.canonicalUri = ref.canonicalUri;
  if (ref.version !== undefined) out.version = ref.version;
  if (pinned !== undefined) out.canonicalVersionUri = pinned;
  if (list) {
    out.resolved = list.canonicalVersionUri;
    out.resolvedVersion = list.version;
    const name = list.shortName ?? list.longName;
    if (name !== undefined) out.name = name;
  }
  return out;
}

function field(plan: SchemaPlan, p: FieldPlan): FormField {
  const f = p.node.field;
  const c = p.c;
  const out: FormField = {
    kind: 'field',
    ...base(plan, p, f.version, f.rules),
    feldart: c.feldart,
    datentyp: c.datentyp,
    widget: widgetOf(p),
    readOnly: c.feldart === 'locked' || c.feldart === 'label',
    hidden: c.feldart === 'hidden',
    constraints: {},
  };
  if (c.feldart === 'label' && f.inhalt !== undefined) out.text = f.inhalt;
  if (c.defaultValue !== undefined) out.defaultValue = c.defaultValue;
  if (c.fixed !== undefined) out.fixedValue = c.fixed;
  if (f.vorbefuellung !== undefined) out.vorbefuellung = f.vorbefuellung;
  if (c.options) {
    out.options = c.options.map((o) => {
      const option: FormOption = { value: o.code, label: o.name };
      if (o.help !== undefined) option.help = o.help;
      return option;
    });
  }
  if (f.codeliste) out.codeList = formCodeList(plan, f.codeliste, c.codeList);
  const k = out.constraints;
  if (c.minLength !== undefined) k.minLength = c.minLength;
  if (c.maxLength !== undefined) k.maxLength = c.maxLength;
  if (c.pattern) k.pattern = c.pattern.source;
  const min = c.minimum ?? c.formatMinimum;
  const max = c.maximum ?? c.formatMaximum;
  if (min !== undefined) k.minimum = min;
  if (max !== undefined) k.maximum = max;
  if (c.file && c.file.mediaTypes.length > 0) k.mediaTypes = [...c.file.mediaTypes];
  if (c.file?.maxBytes !== undefined) k.maxBytes = c.file.maxBytes;
  return out;
}

function group(plan: SchemaPlan, g: GroupPlan): FormGroup {
  return {
    kind: 'group',
    ...base(plan, g, g.node.group.version, g.node.group.rules),
    children: g.children.map((c) => element(plan, c)),
  };
}

function element(plan: SchemaPlan, node: PlanNode): FormElement {
  return node.kind === 'group' ? group(plan, node) : field(plan, node);
}

/** Builds the form definition from a computed plan. */
export function planToFormDefinition(plan: SchemaPlan): FormDefinition {
  const m = plan.schema.meta;
  const def: FormDefinition = {
    id: m.id,
    generation: plan.schema.generation,
    title: plan.rootLabel,
    rules: rulesOf(plan, plan.schema.rules),
    children: plan.children.map((c) => element(plan, c)),
  };
  if (m.version !== undefined) def.version = m.version;
  if (plan.rootHelp !== undefined) def.help = plan.rootHelp;
  return def;
}

/** UI hints for portals, in schema order; pairs with {@link toJsonSchema} for the data rules. */
export function toFormDefinition(schema: FimSchema, options: SchemaOptions = {}): FormDefinition {
  return planToFormDefinition(planSchema(schema, options));
}
