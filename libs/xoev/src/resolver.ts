import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SchemaSet } from './validation';

/** Resolves the locations a schema set may load, and nothing else (no network, no files outside it). */
export class SchemaSetResolver {
  private readonly dirs: string[];

  constructor(private readonly set: SchemaSet) {
    this.dirs = set.directories.map((d) => resolvePath(d));
  }

  /** Normalises what libxml2 asks for (a URL, or a path once it resolved a relative location). */
  canonical(location: string): string {
    if (this.set.documents?.has(location)) return location;
    const mapped = this.set.catalog?.get(location);
    if (mapped !== undefined) return mapped;
    if (location.startsWith('/')) return pathToFileURL(location).href;
    return location;
  }

  private insideDirectories(path: string): boolean {
    return this.dirs.some((d) => {
      const rel = relative(d, path);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    });
  }

  /** The content of a location of this set, or undefined when it is not part of the set. */
  load(location: string): Buffer | undefined {
    const url = this.canonical(location);
    const doc = this.set.documents?.get(url);
    if (doc !== undefined) return Buffer.from(doc, 'utf8');
    if (!url.startsWith('file:')) return undefined;
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch {
      return undefined;
    }
    if (!this.insideDirectories(path)) return undefined;
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  }

  /** Resolves `schemaLocation` as written in the schema at `base`. */
  resolveReference(reference: string, base: string): string {
    if (this.set.documents?.has(reference) || this.set.catalog?.has(reference))
      return this.canonical(reference);
    if (/^[a-z][a-z0-9+.-]*:/i.test(reference)) return this.canonical(reference);
    return new URL(reference, base).href;
  }
}

const SCHEMA_LOCATION =
  /(<(?:[\w.-]+:)?(?:include|import|redefine|override)\b[^>]*?\bschemaLocation\s*=\s*)("([^"]*)"|'([^']*)')/g;

export interface CrawledSchema {
  /** Canonical URL. */
  url: string;
  content: string;
  /** schemaLocation values in this file → canonical URL of their target. */
  references: Map<string, string>;
}

/**
 * Follows include/import/redefine from the entry and returns every schema of the set with the targets of its
 * references, for validators that cannot be given a resolver (xmllint-wasm, native xmllint): they get the
 * files with rewritten locations.
 */
export function crawlSchemaSet(set: SchemaSet): CrawledSchema[] {
  const resolver = new SchemaSetResolver(set);
  const out = new Map<string, CrawledSchema>();
  const queue = [resolver.canonical(set.entry)];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (out.has(url)) continue;
    const buf = resolver.load(url);
    if (buf === undefined) throw new Error(`schema set ${set.id}: cannot load ${url}`);
    const content = buf.toString('utf8');
    const references = new Map<string, string>();
    for (const m of content.matchAll(SCHEMA_LOCATION)) {
      const ref = m[3] ?? m[4] ?? '';
      const target = resolver.resolveReference(ref, url);
      references.set(ref, target);
      if (!out.has(target)) queue.push(target);
    }
    out.set(url, { url, content, references });
  }
  return [...out.values()];
}

/** Rewrites the schemaLocation values of a crawled schema with `rename(targetUrl)`. */
export function rewriteLocations(schema: CrawledSchema, rename: (url: string) => string): string {
  return schema.content.replace(SCHEMA_LOCATION, (_all, prefix: string, _q, dq?: string, sq?: string) => {
    const ref = dq ?? sq ?? '';
    const target = schema.references.get(ref);
    return `${prefix}"${target === undefined ? ref : rename(target)}"`;
  });
}
