import { CodeListRegistry, type ResolveOptions, pinnedUri } from './codelists/registry';
import type { FimIssue } from './errors';
import type { FimMessageType, FimNode, FimSchema, XdfGeneration } from './model';

export interface CodeListUsage {
  /** Pinned canonicalVersionUri, or the canonical URI when the reference pins no version. */
  uri: string;
  pinned: boolean;
  available: boolean;
  /** How it resolved (see `CodeListRegistry.resolveReference`). */
  status: 'exact' | 'newest' | 'pinned' | 'missing';
  /** canonicalVersionUri of the list used, when available. */
  resolved?: string;
  source?: string;
  /** FIM ids of the select fields using it. */
  fields: string[];
}

export interface RuleSummary {
  id: string;
  version?: string;
  name: string;
  text?: string;
  script?: string;
  /** Paths of the elements carrying the rule ('' = the schema itself). */
  targets: string[];
}

/** Overview of a parsed schema, as printed by `amtsbote-fim inspect`. */
export interface SchemaSummary {
  id: string;
  version?: string;
  name: string;
  title: string;
  generation: XdfGeneration;
  messageType: FimMessageType;
  fields: { occurrences: number; distinct: number };
  groups: { occurrences: number; distinct: number };
  /** Field occurrences by "feldart/datentyp". */
  fieldTypes: Record<string, number>;
  /** Occurrences by anzahl. */
  multiplicities: Record<string, number>;
  codeLists: CodeListUsage[];
  inlineValueFields: string[];
  rules: RuleSummary[];
  warnings: FimIssue[];
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function* walk(nodes: readonly FimNode[]): Generator<FimNode> {
  for (const n of nodes) {
    yield n;
    if (n.kind === 'group') yield* walk(n.children);
  }
}

export function inspectSchema(
  schema: FimSchema,
  options: { codeLists?: CodeListRegistry; resolve?: ResolveOptions } = {},
): SchemaSummary {
  const registry = options.codeLists ?? new CodeListRegistry();
  const fieldTypes: Record<string, number> = {};
  const multiplicities: Record<string, number> = {};
  const codeLists = new Map<string, CodeListUsage>();
  const inline = new Set<string>();
  let fields = 0;
  let groups = 0;
  const fieldIds = new Set<string>();
  const groupIds = new Set<string>();
  for (const n of walk(schema.children)) {
    count(multiplicities, n.multiplicity.raw);
    if (n.kind === 'group') {
      groups++;
      groupIds.add(n.group.idVersion);
      continue;
    }
    fields++;
    const f = n.field;
    fieldIds.add(f.idVersion);
    count(fieldTypes, `${f.feldart}/${f.datentyp}`);
    if (f.werte.length > 0) inline.add(f.id);
    if (f.codeliste) {
      const pinned = pinnedUri(f.codeliste);
      const uri = pinned ?? f.codeliste.canonicalUri ?? '?';
      let usage = codeLists.get(uri);
      if (!usage) {
        const r = registry.resolveReference(f.codeliste, options.resolve);
        const list = r.list;
        usage = {
          uri,
          pinned: pinned !== undefined,
          available: list !== undefined,
          status: r.status,
          fields: [],
        };
        if (list) usage.resolved = list.canonicalVersionUri;
        if (list?.source !== undefined) usage.source = list.source;
        codeLists.set(uri, usage);
      }
      if (!usage.fields.includes(f.id)) usage.fields.push(f.id);
    }
  }
  const rules: RuleSummary[] = [...schema.ruleDefs.values()].map((r) => {
    const s: RuleSummary = { id: r.id, name: r.name, targets: schema.ruleTargets.get(r.idVersion) ?? [] };
    if (r.version !== undefined) s.version = r.version;
    const text = r.freitextRegel ?? r.definition ?? r.beschreibung;
    if (text !== undefined) s.text = text;
    if (r.script !== undefined) s.script = r.script;
    return s;
  });
  const summary: SchemaSummary = {
    id: schema.meta.id,
    name: schema.meta.name,
    title: schema.meta.bezeichnungEingabe ?? schema.meta.name,
    generation: schema.generation,
    messageType: schema.messageType,
    fields: { occurrences: fields, distinct: fieldIds.size },
    groups: { occurrences: groups, distinct: groupIds.size },
    fieldTypes,
    multiplicities,
    codeLists: [...codeLists.values()],
    inlineValueFields: [...inline],
    rules,
    warnings: schema.warnings,
  };
  if (schema.meta.version !== undefined) summary.version = schema.meta.version;
  return summary;
}
