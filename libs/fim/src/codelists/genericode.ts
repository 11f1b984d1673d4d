import { FimParseError } from '../errors';
import type { LocalizedMessage } from '../validator/messages';
import { type XmlElement, type XmlReadLimits, readXml } from '../xml/secure-xml';

export const NS_GENERICODE = 'http://docs.oasis-open.org/codelist/ns/genericode/1.0/';

export interface GenericodeColumn {
  id: string;
  shortName?: string;
  use?: string;
}

export interface GenericodeKey {
  id: string;
  shortName?: string;
  columnRefs: string[];
}

/** A genericode code list with all its columns. */
export interface CodeList {
  canonicalUri: string;
  version: string;
  canonicalVersionUri: string;
  shortName?: string;
  longName?: string;
  columns: readonly GenericodeColumn[];
  keys: readonly GenericodeKey[];
  /** Rows as column id -> value. */
  rows: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Column holding the codes unless a field names another one (xdf3 codeKey). */
  codeColumn: string;
  /** Column holding the display names unless a field names another one (xdf3 nameKey). */
  nameColumn?: string;
  /** Where the list was loaded from (file path or "bundled"). */
  source?: string;
}

/** One selectable value of a code list or inline werte. */
export interface CodeListEntry {
  code: string;
  name: string;
  help?: string;
}

const NAME_COLUMN = /^(bezeichnung(-lang)?|name|beschreibung|description-de-de)$/i;

function child(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local);
}

function childText(el: XmlElement | undefined, local: string): string | undefined {
  if (!el) return undefined;
  const t = child(el, local)?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}

function fail(message: LocalizedMessage, source: string | undefined): never {
  const at = source ? `${source}: ` : '';
  throw new FimParseError([
    {
      severity: 'error',
      code: 'INVALID_GENERICODE',
      message: { de: `${at}${message.de}`, en: `${at}${message.en}` },
    },
  ]);
}

/** Reads a genericode 1.0 code list (hardened like every other XML input). */
export function parseGenericode(xml: string | Uint8Array, source?: string, limits?: XmlReadLimits): CodeList {
  const root = readXml(xml, limits).root;
  if (root.local !== 'CodeList' || root.ns !== NS_GENERICODE) {
    fail(
      {
        de: `genericode-<CodeList> im Namensraum ${NS_GENERICODE} erwartet, gefunden: <${root.qname}>`,
        en: `expected a genericode <CodeList> in namespace ${NS_GENERICODE}, got <${root.qname}>`,
      },
      source,
    );
  }
  const ident = child(root, 'Identification');
  if (!ident) fail({ de: '<Identification> fehlt', en: 'missing <Identification>' }, source);
  const canonicalUri = childText(ident, 'CanonicalUri');
  const version = childText(ident, 'Version');
  const canonicalVersionUri =
    childText(ident, 'CanonicalVersionUri') ??
    (canonicalUri && version ? `${canonicalUri}_${version}` : undefined);
  if (!canonicalUri || !version || !canonicalVersionUri) {
    fail(
      {
        de: 'Identification braucht CanonicalUri, Version und CanonicalVersionUri',
        en: 'Identification needs CanonicalUri, Version and CanonicalVersionUri',
      },
      source,
    );
  }
  const columnSet = child(root, 'ColumnSet');
  if (!columnSet) fail({ de: '<ColumnSet> fehlt', en: 'missing <ColumnSet>' }, source);
  const columns: GenericodeColumn[] = [];
  const keys: GenericodeKey[] = [];
  for (const c of columnSet.children) {
    const id = c.attrs.Id;
    if (!id) continue;
    if (c.local === 'Column') {
      const col: GenericodeColumn = { id };
      const shortName = childText(c, 'ShortName');
      if (shortName) col.shortName = shortName;
      if (c.attrs.Use) col.use = c.attrs.Use;
      columns.push(col);
    } else if (c.local === 'Key') {
      const key: GenericodeKey = {
        id,
        columnRefs: c.children.filter((r) => r.local === 'ColumnRef' && r.attrs.Ref).map((r) => r.attrs.Ref),
      };
      const shortName = childText(c, 'ShortName');
      if (shortName) key.shortName = shortName;
      keys.push(key);
    }
  }
  if (columns.length === 0)
    fail({ de: 'ColumnSet hat keine Spalten', en: 'ColumnSet has no columns' }, source);
  const rows: Record<string, string>[] = [];
  const simple = child(root, 'SimpleCodeList');
  for (const row of simple?.children ?? []) {
    if (row.local !== 'Row') continue;
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    let position = 0;
    for (const value of row.children) {
      if (value.local !== 'Value') continue;
      const ref = value.attrs.ColumnRef ?? columns[position]?.id;
      position = ref ? columns.findIndex((c) => c.id === ref) + 1 : position + 1;
      const simpleValue = child(value, 'SimpleValue');
      if (ref && simpleValue) values[ref] = simpleValue.text;
    }
    rows.push(values);
  }
  const keyColumn = keys.find((k) => k.columnRefs.length === 1)?.columnRefs[0];
  const codeColumn = keyColumn ?? columns.find((c) => c.use === 'required')?.id ?? columns[0].id;
  const others = columns.filter((c) => c.id !== codeColumn);
  // Genericode names no display column. XRepository lists put the display text in a required column called
  // Bezeichnung/name/Beschreibung, which is not always the first required one (Rechtsformen: Code, Art, …,
  // Bezeichnung-lang); without one, the first required column after the code is the name.
  const nameColumn =
    others.find(
      (c) =>
        c.use === 'required' &&
        (NAME_COLUMN.test(c.id) || (c.shortName !== undefined && NAME_COLUMN.test(c.shortName))),
    )?.id ??
    others.find((c) => c.use === 'required')?.id ??
    others[0]?.id;
  const list: CodeList = { canonicalUri, version, canonicalVersionUri, columns, keys, rows, codeColumn };
  if (nameColumn) list.nameColumn = nameColumn;
  const shortName = childText(ident, 'ShortName');
  const longName = childText(ident, 'LongName');
  if (shortName) list.shortName = shortName;
  if (longName) list.longName = longName;
  if (source) list.source = source;
  return list;
}

/** Finds a column by xdf3 key name: a column id, a Key id or a column/key short name. */
function findColumn(list: CodeList, name: string): string | undefined {
  const col = list.columns.find((c) => c.id === name) ?? list.columns.find((c) => c.shortName === name);
  if (col) return col.id;
  const key = list.keys.find((k) => k.id === name || k.shortName === name);
  return key && key.columnRefs.length === 1 ? key.columnRefs[0] : undefined;
}

export interface ColumnChoice {
  codeKey?: string;
  nameKey?: string;
  helpKey?: string;
}

/**
 * Entries of a code list for a field; xdf3 fields may pick the code, name and help columns.
 * Returns a problem text instead of entries when a named column does not exist.
 */
export function codeListEntries(
  list: CodeList,
  choice: ColumnChoice = {},
): CodeListEntry[] | LocalizedMessage {
  const uri = list.canonicalVersionUri;
  const pick = (
    name: string | undefined,
    fallback: string | undefined,
    what: string,
  ): string | undefined | LocalizedMessage => {
    if (name === undefined) return fallback;
    return (
      findColumn(list, name) ?? {
        de: `${what} „${name}“ ist keine Spalte von ${uri}`,
        en: `${what} "${name}" is not a column of ${uri}`,
      }
    );
  };
  const codeCol = pick(choice.codeKey, list.codeColumn, 'codeKey');
  const nameCol = pick(choice.nameKey, list.nameColumn, 'nameKey');
  const helpCol = pick(choice.helpKey, undefined, 'helpKey');
  for (const c of [codeCol, nameCol, helpCol]) if (typeof c === 'object') return c;
  const entries: CodeListEntry[] = [];
  const seen = new Set<string>();
  for (const row of list.rows) {
    const code = row[codeCol as string];
    if (code === undefined || seen.has(code)) continue;
    seen.add(code);
    const entry: CodeListEntry = { code, name: (nameCol ? row[nameCol as string] : undefined) ?? code };
    const help = helpCol ? row[helpCol as string] : undefined;
    if (help !== undefined && help !== '') entry.help = help;
    entries.push(entry);
  }
  return entries;
}
