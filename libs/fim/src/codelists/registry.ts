import * as fs from 'node:fs';
import * as path from 'node:path';
import { FimParseError } from '../errors';
import type { CodeListReference } from '../model';
import { type CodeList, parseGenericode } from './genericode';

/** Directory of the code lists bundled with this package (resolved from the compiled `dist/src/codelists`). */
export const BUNDLED_CODELIST_DIR = path.resolve(__dirname, '..', '..', '..', 'codelists');

let bundledCache: readonly CodeList[] | undefined;

function bundledLists(): readonly CodeList[] {
  bundledCache ??= readDirectory(BUNDLED_CODELIST_DIR, 'bundled');
  return bundledCache;
}

function readDirectory(dir: string, label?: string): CodeList[] {
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(xml|gc)$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  return files.map((name) => {
    const file = path.join(dir, name);
    try {
      return parseGenericode(fs.readFileSync(file), label ?? file);
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
  });
}

/** The canonicalVersionUri a reference pins, or `undefined` when it pins no version. */
export function pinnedUri(ref: CodeListReference): string | undefined {
  if (ref.canonicalVersionUri) return ref.canonicalVersionUri;
  if (ref.canonicalUri && ref.version) return `${ref.canonicalUri}_${ref.version}`;
  return undefined;
}

export interface CodeListRegistryOptions {
  /** Start with the code lists bundled in `libs/fim/codelists` (default true). */
  bundled?: boolean;
}

/**
 * Code lists by their pinned `canonicalVersionUri`. Nothing is ever downloaded: lists come from the bundled
 * files, from {@link CodeListRegistry.loadDirectory} or from {@link CodeListRegistry.addGenericode}.
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

  /** Registers every `*.xml`/`*.gc` genericode file of a directory (not recursive). */
  loadDirectory(dir: string): CodeList[] {
    const loaded = readDirectory(dir);
    for (const list of loaded) this.add(list);
    return loaded;
  }

  get(canonicalVersionUri: string): CodeList | undefined {
    return this.lists.get(canonicalVersionUri);
  }

  /** Resolves a reference by its pinned version; there is deliberately no "latest" fallback. */
  resolve(ref: CodeListReference): CodeList | undefined {
    const uri = pinnedUri(ref);
    return uri === undefined ? undefined : this.lists.get(uri);
  }

  list(): CodeList[] {
    return [...this.lists.values()];
  }
}
