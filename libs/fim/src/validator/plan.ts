import { type CodeList, type CodeListEntry, codeListEntries } from '../codelists/genericode';
import { CodeListRegistry, pinnedUri, requestedUri } from '../codelists/registry';
import { FimSchemaError } from '../errors';
import type {
  Datentyp,
  Feldart,
  FimField,
  FimFieldNode,
  FimGroupNode,
  FimNode,
  FimSchema,
  Multiplicity,
} from '../model';
import { isCurrency, isDate, isDateTime, isTime, parseDecimal } from './formats';
import type { LocalizedMessage } from './messages';
import { type TranslatedPattern, translateXsdPattern } from './pattern';

/** Options shared by the validator and all exports, so that they always describe the same rules. */
export interface SchemaOptions {
  /** Where select fields find their code lists. Default: a registry with the bundled lists. */
  codeLists?: CodeListRegistry;
  /**
   * Select fields whose code list is not available fail schema loading unless allowed here: `true` for all,
   * or a list of field ids, idVersions, canonical URIs or canonicalVersionUris. Allowed fields accept any
   * string value.
   */
  allowUnknownCodeLists?: boolean | readonly string[];
  /**
   * `newest` (default): a reference whose pinned version is not available uses the newest available version of
   * the same list (reported in {@link SchemaPlan.codeLists} with status `newest`). `exact`: only the pinned
   * version counts; anything else is unavailable.
   */
  codeListVersions?: 'newest' | 'exact';
  /**
   * Earlier resolutions to repeat exactly (requested URI -> canonicalVersionUri, as in
   * {@link SchemaPlan.codeLists}), so a stored schema keeps its lists when newer versions arrive.
   */
  codeListPins?: Readonly<Record<string, string>>;
}

/** How one code list referenced by the schema was resolved. */
export interface PlannedCodeList {
  /** What the schema asks for: the pinned canonicalVersionUri, else the canonical URI. */
  requested: string;
  canonicalUri?: string;
  /** Version the schema names, if any. */
  version?: string;
  status: 'exact' | 'newest' | 'pinned' | 'missing';
  /** canonicalVersionUri of the list used. */
  resolved?: string;
  resolvedVersion?: string;
  /** Ids of the select fields that use it. */
  fields: string[];
}

export type ScalarValue = string | number | boolean;

/** Everything needed to check one field value; derived once per schema. */
export interface ValueConstraint {
  datentyp: Datentyp;
  feldart: Feldart;
  /** Feldart label: the field carries no data. */
  noData: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: TranslatedPattern;
  /** Datentyp text_latin: DIN 91379 datatype C. */
  latin: boolean;
  minimum?: number;
  maximum?: number;
  formatMinimum?: string;
  formatMaximum?: string;
  /** Allowed codes of a select field; `undefined` with `anyCode` when any string is accepted. */
  options?: readonly CodeListEntry[];
  optionSet?: ReadonlySet<string>;
  codeList?: CodeList;
  anyCode: boolean;
  /** hidden/locked field with inhalt: the only acceptable value. */
  fixed?: ScalarValue;
  /** input field with inhalt: preset value (annotation only). */
  defaultValue?: ScalarValue;
  file?: {
    mediaTypes: readonly string[];
    mediaTypePattern?: string;
    mediaTypeRegex?: RegExp;
    maxBytes?: number;
  };
}

interface PlanBase {
  key: string;
  path: string;
  elementId: string;
  /** Label for messages and titles: bezeichnungEingabe, else name. */
  label: string;
  help?: string;
  multiplicity: Multiplicity;
  /** Name of the definition in JSON Schema `$defs` / XSD types: idVersion, suffixed for conflicting variants. */
  defKey: string;
}

export interface FieldPlan extends PlanBase {
  kind: 'field';
  node: FimFieldNode;
  c: ValueConstraint;
}

export interface GroupPlan extends PlanBase {
  kind: 'group';
  node: FimGroupNode;
  children: PlanNode[];
}

export type PlanNode = FieldPlan | GroupPlan;

export interface SchemaPlan {
  schema: FimSchema;
  rootId: string;
  rootLabel: string;
  rootHelp?: string;
  children: PlanNode[];
  /** Things that are accepted but worth knowing (ignored precision, unsupported fixed values...). */
  notes: string[];
  /** Every code list the schema references and how it was resolved, in order of first use. */
  codeLists: PlannedCodeList[];
}

let defaultRegistry: CodeListRegistry | undefined;

function registryOf(options: SchemaOptions): CodeListRegistry {
  if (options.codeLists) return options.codeLists;
  defaultRegistry ??= new CodeListRegistry();
  return defaultRegistry;
}

function isAllowed(options: SchemaOptions, field: FimField): boolean {
  const allow = options.allowUnknownCodeLists;
  if (allow === true) return true;
  if (!allow) return false;
  const ref = field.codeliste;
  const names = [field.id, field.idVersion, ref?.canonicalUri, ref ? pinnedUri(ref) : undefined];
  return names.some((n) => n !== undefined && allow.includes(n));
}

const TEXT_TYPES: ReadonlySet<Datentyp> = new Set(['text', 'text_latin']);
const NUM_TYPES: ReadonlySet<Datentyp> = new Set(['num', 'num_int', 'num_currency']);

class Planner {
  readonly problems: LocalizedMessage[] = [];
  readonly notes: string[] = [];
  readonly codeLists = new Map<string, PlannedCodeList>();
  private readonly variants = new Map<string, string[]>();

  constructor(private readonly options: SchemaOptions) {}

  defKey(idVersion: string, signature: string): string {
    const list = this.variants.get(idVersion);
    if (!list) {
      this.variants.set(idVersion, [signature]);
      return idVersion;
    }
    let i = list.indexOf(signature);
    if (i === -1) i = list.push(signature) - 1;
    return i === 0 ? idVersion : `${idVersion}__${i + 1}`;
  }

  nodes(nodes: readonly FimNode[]): PlanNode[] {
    return nodes.map((n) => (n.kind === 'group' ? this.group(n) : this.field(n)));
  }

  group(node: FimGroupNode): GroupPlan {
    const g = node.group;
    const children = this.nodes(node.children);
    const label = g.bezeichnungEingabe ?? g.name;
    const signature = JSON.stringify([
      label,
      g.hilfetextEingabe,
      children.map((c) => [c.key, c.multiplicity.raw, c.defKey]),
    ]);
    const plan: GroupPlan = {
      kind: 'group',
      node,
      key: node.key,
      path: node.path,
      elementId: g.id,
      label,
      multiplicity: node.multiplicity,
      defKey: this.defKey(g.idVersion, signature),
      children,
    };
    if (g.hilfetextEingabe !== undefined) plan.help = g.hilfetextEingabe;
    return plan;
  }

  field(node: FimFieldNode): FieldPlan {
    const f = node.field;
    const c = this.constraint(node);
    const label = f.bezeichnungEingabe ?? f.name;
    const signature = JSON.stringify([
      label,
      f.hilfetextEingabe,
      f.inhalt,
      c.datentyp,
      c.feldart,
      c.minLength,
      c.maxLength,
      c.pattern?.source,
      c.minimum,
      c.maximum,
      c.formatMinimum,
      c.formatMaximum,
      c.options?.map((o) => [o.code, o.name]),
      c.anyCode,
      c.fixed,
      c.defaultValue,
      c.file,
    ]);
    const plan: FieldPlan = {
      kind: 'field',
      node,
      key: node.key,
      path: node.path,
      elementId: f.id,
      label,
      multiplicity: node.multiplicity,
      defKey: this.defKey(f.idVersion, signature),
      c,
    };
    if (f.hilfetextEingabe !== undefined) plan.help = f.hilfetextEingabe;
    return plan;
  }

  private note(node: FimFieldNode, text: string): void {
    this.notes.push(`${node.field.id} (${node.path}): ${text}`);
  }

  private problem(node: FimFieldNode, text: LocalizedMessage): void {
    const where = `${node.field.id} (${node.path})`;
    this.problems.push({ de: `${where}: ${text.de}`, en: `${where}: ${text.en}` });
  }

  constraint(node: FimFieldNode): ValueConstraint {
    const f = node.field;
    const p = f.praezisierung;
    const c: ValueConstraint = {
      datentyp: f.datentyp,
      feldart: f.feldart,
      noData: f.feldart === 'label',
      latin: f.datentyp === 'text_latin' && f.feldart !== 'select',
      anyCode: false,
    };
    if (c.noData) return c;
    const isSelect = f.feldart === 'select';
    if (isSelect) {
      this.selectOptions(node, c);
    } else if (TEXT_TYPES.has(f.datentyp)) {
      if (p.minLength !== undefined) c.minLength = p.minLength;
      if (p.maxLength !== undefined) c.maxLength = p.maxLength;
      if (p.pattern !== undefined) {
        const t = translateXsdPattern(p.pattern);
        if ('regex' in t) {
          c.pattern = t;
          if (t.anchorsDropped)
            this.note(
              node,
              `pattern "${p.pattern}": leading ^ / trailing $ read as anchors, used as "${t.xsd}"`,
            );
        } else
          this.problem(node, {
            de: `das Muster „${p.pattern}“ ist nicht verwendbar: ${t.de}`,
            en: `pattern "${p.pattern}" cannot be used: ${t.en}`,
          });
      }
    }
    const hasLength = p.minLength !== undefined || p.maxLength !== undefined || p.pattern !== undefined;
    if (hasLength && (isSelect || !TEXT_TYPES.has(f.datentyp))) {
      this.note(node, `length/pattern precision does not apply to ${f.feldart}/${f.datentyp} and is ignored`);
    }
    if (p.minValue !== undefined || p.maxValue !== undefined) this.valueRange(node, c);
    if (f.datentyp === 'file') {
      const file: NonNullable<ValueConstraint['file']> = { mediaTypes: f.mediaTypes };
      if (f.mediaTypes.length > 0) {
        const alts = f.mediaTypes.map((m) =>
          m
            .split('*')
            .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
            .join('[^/]*'),
        );
        file.mediaTypePattern = `^(?:${alts.join('|')})$`;
        file.mediaTypeRegex = new RegExp(file.mediaTypePattern, 'u');
      }
      // maxSize is a number of bytes: the portal's 20000000 goes with help texts saying "20 MB".
      if (f.maxSize !== undefined) file.maxBytes = f.maxSize;
      c.file = file;
    }
    if (f.inhalt !== undefined && f.datentyp !== 'file' && f.datentyp !== 'obj') {
      const typed = this.typedValue(f.inhalt, c);
      if (typed === undefined) {
        this.note(node, `inhalt "${f.inhalt}" does not fit Datentyp ${f.datentyp} and is ignored`);
      } else if (f.feldart === 'hidden' || f.feldart === 'locked') {
        c.fixed = typed;
      } else {
        c.defaultValue = typed;
      }
    }
    return c;
  }

  private selectOptions(node: FimFieldNode, c: ValueConstraint): void {
    const f = node.field;
    if (f.werte.length > 0) {
      if (f.codeliste) this.note(node, 'has both werte and a code list; the inline werte are used');
      c.options = f.werte;
    } else if (f.codeliste) {
      const uri = pinnedUri(f.codeliste);
      const list = this.resolveCodeList(f);
      if (list) {
        const entries = codeListEntries(list, f);
        if (!Array.isArray(entries)) this.problem(node, entries);
        else {
          c.options = entries;
          c.codeList = list;
        }
      } else if (isAllowed(this.options, f)) {
        c.anyCode = true;
        this.note(
          node,
          `code list ${uri ?? f.codeliste.canonicalUri ?? '?'} is not available; any value is accepted`,
        );
      } else {
        const name = uri ?? f.codeliste.canonicalUri ?? '?';
        const exact = this.options.codeListVersions === 'exact';
        this.problem(
          node,
          exact &&
            f.codeliste.canonicalUri !== undefined &&
            registryOf(this.options).newest(f.codeliste.canonicalUri)
            ? {
                de: `das Auswahlfeld verweist auf die Codeliste ${name}; diese Version ist nicht verfügbar, und andere Versionen werden nur ohne die strenge Einstellung verwendet`,
                en: `select field references code list ${name}; that version is not available, and other versions are used only without the strict setting`,
              }
            : {
                de: `das Auswahlfeld verweist auf die Codeliste ${name}, die in keiner Version verfügbar ist. Stellen Sie sie bereit (Codelisten-Upload, CodeListRegistry.loadDirectory()) oder lassen Sie für dieses Feld unbekannte Codelisten zu`,
                en: `select field references code list ${name}, which is not available in any version. Provide it (code-list upload, CodeListRegistry.loadDirectory()) or allow unknown code lists for this field`,
              },
        );
      }
    } else if (isAllowed(this.options, f)) {
      c.anyCode = true;
      this.note(node, 'select field without werte or code list; any value is accepted');
    } else {
      this.problem(node, {
        de: 'das Auswahlfeld hat weder werte noch einen Codelistenverweis',
        en: 'select field has neither werte nor a code list reference',
      });
    }
    if (c.options) c.optionSet = new Set(c.options.map((o) => o.code));
  }

  /** Resolves a field's code list and records the resolution once per requested list. */
  private resolveCodeList(f: FimField): CodeList | undefined {
    const ref = f.codeliste;
    if (!ref) return undefined;
    const resolution = registryOf(this.options).resolveReference(ref, {
      exactOnly: this.options.codeListVersions === 'exact',
      ...(this.options.codeListPins ? { pins: this.options.codeListPins } : {}),
    });
    const key = requestedUri(ref) ?? '';
    let planned = this.codeLists.get(key);
    if (!planned) {
      planned = { requested: resolution.requested, status: resolution.status, fields: [] };
      if (resolution.canonicalUri !== undefined) planned.canonicalUri = resolution.canonicalUri;
      if (resolution.version !== undefined) planned.version = resolution.version;
      if (resolution.list) {
        planned.resolved = resolution.list.canonicalVersionUri;
        planned.resolvedVersion = resolution.list.version;
      }
      this.codeLists.set(key, planned);
    }
    if (!planned.fields.includes(f.id)) planned.fields.push(f.id);
    return resolution.list;
  }

  private valueRange(node: FimFieldNode, c: ValueConstraint): void {
    const { minValue, maxValue } = node.field.praezisierung;
    const dt = c.datentyp;
    if (c.feldart !== 'select' && NUM_TYPES.has(dt)) {
      for (const [raw, key] of [
        [minValue, 'minimum'],
        [maxValue, 'maximum'],
      ] as const) {
        if (raw === undefined) continue;
        const n = parseDecimal(raw);
        if (n === undefined)
          this.note(node, `${key === 'minimum' ? 'minValue' : 'maxValue'} "${raw}" is not a number; ignored`);
        else c[key] = n;
      }
    } else if (c.feldart !== 'select' && dt === 'date') {
      for (const [raw, key] of [
        [minValue, 'formatMinimum'],
        [maxValue, 'formatMaximum'],
      ] as const) {
        if (raw === undefined) continue;
        if (isDate(raw)) c[key] = raw;
        else this.note(node, `date limit "${raw}" is not a date (YYYY-MM-DD); ignored`);
      }
    } else {
      this.note(node, `minValue/maxValue are not enforced for ${c.feldart}/${dt}`);
    }
  }

  /** Converts a FIM text value (inhalt) to the JSON value of the field, if it is one. */
  private typedValue(raw: string, c: ValueConstraint): ScalarValue | undefined {
    // Select values are codes, whatever the Datentyp.
    if (c.feldart === 'select') return c.optionSet && !c.optionSet.has(raw) ? undefined : raw;
    switch (c.datentyp) {
      case 'bool':
        return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : undefined;
      case 'num':
      case 'num_int':
      case 'num_currency': {
        const n = parseDecimal(raw);
        if (n === undefined) return undefined;
        if (c.datentyp === 'num_int' && !Number.isInteger(n)) return undefined;
        if (c.datentyp === 'num_currency' && !isCurrency(n)) return undefined;
        return n;
      }
      case 'date':
        return isDate(raw) ? raw : undefined;
      case 'time':
        return isTime(raw) ? raw : undefined;
      case 'datetime':
        return isDateTime(raw) ? raw : undefined;
      case 'text':
      case 'text_latin':
        return raw;
      case 'file':
      case 'obj':
        return undefined;
    }
  }
}

/** Derives the constraints of every occurrence; throws {@link FimSchemaError} listing all unusable parts. */
export function planSchema(schema: FimSchema, options: SchemaOptions = {}): SchemaPlan {
  const planner = new Planner(options);
  const children = planner.nodes(schema.children);
  if (planner.problems.length > 0) throw new FimSchemaError(planner.problems);
  const plan: SchemaPlan = {
    schema,
    rootId: schema.meta.id,
    rootLabel: schema.meta.bezeichnungEingabe ?? schema.meta.name,
    children,
    notes: planner.notes,
    codeLists: [...planner.codeLists.values()],
  };
  if (schema.meta.hilfetext !== undefined) plan.rootHelp = schema.meta.hilfetext;
  return plan;
}

/** Walks all plan nodes depth-first. */
export function* walkPlan(nodes: readonly PlanNode[]): Generator<PlanNode> {
  for (const n of nodes) {
    yield n;
    if (n.kind === 'group') yield* walkPlan(n.children);
  }
}
