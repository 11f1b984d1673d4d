import * as fs from 'node:fs';
import * as path from 'node:path';
import { FimParseError } from '../errors';
import type { CodeListReference, FimSchema } from '../model';
import { type CodeList, parseGenericode } from './genericode';

/** Directory of the code lists bundled with this package (resolved from the compiled `dist/src/codelists`). */
export const BUNDLED_CODELIST_DIR = path.resolve(__dirname, '..', '..', '..', 'codelists');

let bundledCache: readonly CodeList[] | undefined;

function bundledLists(): readonly CodeList[] {
  bundledCache ??= readDirectory(BUNDLED_CODELIST_DIR, 'bundled');
  return bundledCache;
}

/** The canonical URI a genericode document names in its Identification, read from its start without parsing it. */
function peekCanonicalUri(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 64 * 1024).toString('latin1');
  return /<(?:[\w.-]+:)?CanonicalUri\s*>\s*([^<\s]+)\s*</.exec(head)?.[1];
}

function readDirectory(dir: string, label?: string, canonicalUris?: ReadonlySet<string>): CodeList[] {
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(xml|gc)$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  const out: CodeList[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const bytes = fs.readFileSync(file);
    if (canonicalUris !== undefined) {
      const uri = peekCanonicalUri(bytes);
      if (uri !== undefined && !canonicalUris.has(uri)) continue;
    }
    try {
      out.push(parseGenericode(bytes, label ?? file));
    } catch (e) {
      if (e instanceof FimParseError) {
        throw new FimParseError(
          e.issues.map((i) => ({
            ...i,
            message: { de: `${file}: ${i.message.de}`, en: `${file}: ${i.message.en}` },
          })),
        );
      }
      throw e;
    }
  }
  return out;
}

/**
 * The canonical URIs of the code lists a schema's select fields reference, to load no more than those
 * ({@link LoadDirectoryOptions.canonicalUris}); `undefined` when a reference names only a canonicalVersionUri,
 * so that nothing can be left out.
 */
export function referencedCanonicalUris(schema: FimSchema): ReadonlySet<string> | undefined {
  const uris = new Set<string>();
  for (const field of schema.fields.values()) {
    const ref = field.codeliste;
    if (ref === undefined || field.werte.length > 0) continue;
    if (ref.canonicalUri === undefined) return undefined;
    uris.add(ref.canonicalUri);
  }
  return uris;
}

export interface LoadDirectoryOptions {
  /**
   * Parse only the files of these lists (by canonical URI, read from the start of each file); the others are
   * skipped unparsed. A file whose start names no CanonicalUri is always parsed.
   */
  canonicalUris?: ReadonlySet<string>;
}

/**
 * The canonicalVersionUri a reference pins, or `undefined` when it pins no version. The FIM portal writes
 * `canonicalVersionUri` equal to `canonicalIdentification` for references without a version; that pins nothing.
 */
export function pinnedUri(ref: CodeListReference): string | undefined {
  if (ref.canonicalVersionUri && ref.canonicalVersionUri !== ref.canonicalUri) return ref.canonicalVersionUri;
  if (ref.canonicalUri && ref.version) return `${ref.canonicalUri}_${ref.version}`;
  return undefined;
}

/** What a reference asks for: the pinned canonicalVersionUri, else the canonical URI. */
export function requestedUri(ref: CodeListReference): string | undefined {
  return pinnedUri(ref) ?? ref.canonicalUri ?? ref.canonicalVersionUri;
}

/**
 * How a code-list reference was resolved:
 * - `exact`: the list with the pinned canonicalVersionUri;
 * - `newest`: the pinned version is not stored (or the reference pins none), so the newest stored version of the
 *   same canonical URI is used — worth a warning, refusable with `exactOnly`;
 * - `pinned`: the version an earlier resolution chose (see `pins`), so a stored schema keeps its lists;
 * - `missing`: no version of the list is stored.
 */
export interface CodeListResolution {
  requested: string;
  canonicalUri?: string;
  version?: string;
  status: 'exact' | 'newest' | 'pinned' | 'missing';
  list?: CodeList;
}

export interface ResolveOptions {
  /** Only the exact pinned version counts; no fallback to the newest stored version. */
  exactOnly?: boolean;
  /** Earlier resolutions to repeat: requested URI -> canonicalVersionUri. */
  pins?: Readonly<Record<string, string>>;
}

/**
 * Orders code-list versions: segments split at `.`, `-` and `_`, numeric segments compared as numbers, others
 * as text ("2024-08-01" > "2023-02-24", "2.10" > "2.4", "14" > "3").
 */
export function compareVersions(a: string, b: string): number {
  const sa = a.split(/[.\-_]/);
  const sb = b.split(/[.\-_]/);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    const c = nx !== undefined && ny !== undefined ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

export interface CodeListRegistryOptions {
  /** Start with the code lists bundled in `libs/fim/codelists` (default true). */
  bundled?: boolean;
}

/**
 * Code lists by their `canonicalVersionUri`. Nothing is ever downloaded: lists come from the bundled files,
 * from {@link CodeListRegistry.loadDirectory}, {@link CodeListRegistry.addGenericode} or {@link CodeListRegistry.add}
 * (e.g. lists an installation keeps in its database).
 */
export class CodeListRegistry {
  private readonly lists = new Map<string, CodeList>();

  constructor(options: CodeListRegistryOptions = {}) {
    if (options.bundled !== false) for (const list of bundledLists()) this.add(list);
  }

  add(list: CodeList): void {
    this.lists.set(list.canonicalVersionUri, list);
  }

  /** Parses and registers a genericode document. */
  addGenericode(xml: string | Uint8Array, source?: string): CodeList {
    const list = parseGenericode(xml, source);
    this.add(list);
    return list;
  }

  /** Registers every `*.xml`/`*.gc` genericode file of a directory (not recursive), or those asked for. */
  loadDirectory(dir: string, options: LoadDirectoryOptions = {}): CodeList[] {
    const loaded = readDirectory(dir, undefined, options.canonicalUris);
    for (const list of loaded) this.add(list);
    return loaded;
  }

  remove(canonicalVersionUri: string): boolean {
    return this.lists.delete(canonicalVersionUri);
  }

  get(canonicalVersionUri: string): CodeList | undefined {
    return this.lists.get(canonicalVersionUri);
  }

  /** The stored version of `canonicalUri` with the highest version ({@link compareVersions}). */
  newest(canonicalUri: string): CodeList | undefined {
    let best: CodeList | undefined;
    for (const list of this.lists.values()) {
      if (list.canonicalUri !== canonicalUri) continue;
      if (best === undefined || compareVersions(list.version, best.version) > 0) best = list;
    }
    return best;
  }

  /**
   * Resolves a reference: a pin from an earlier resolution, else the exact pinned version, else (unless
   * `exactOnly`) the newest stored version of the same canonical URI.
   */
  resolveReference(ref: CodeListReference, options: ResolveOptions = {}): CodeListResolution {
    const requested = requestedUri(ref) ?? '';
    const base: CodeListResolution = { requested, status: 'missing' };
    if (ref.canonicalUri !== undefined) base.canonicalUri = ref.canonicalUri;
    if (ref.version !== undefined) base.version = ref.version;
    const pin = options.pins?.[requested];
    if (pin !== undefined) {
      const list = this.lists.get(pin);
      return list ? { ...base, status: 'pinned', list } : base;
    }
    const pinned = pinnedUri(ref);
    const exact = pinned === undefined ? undefined : this.lists.get(pinned);
    if (exact) return { ...base, status: 'exact', list: exact };
    if (options.exactOnly === true || ref.canonicalUri === undefined) return base;
    const newest = this.newest(ref.canonicalUri);
    return newest ? { ...base, status: 'newest', list: newest } : base;
  }

  /** The list a reference resolves to under the default rule ({@link CodeListRegistry.resolveReference}). */
  resolve(ref: CodeListReference, options: ResolveOptions = {}): CodeList | undefined {
    return this.resolveReference(ref, options).list;
  }

  list(): CodeList[] {
    return [...this.lists.values()];
  }
}
