import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Absolute schema URL (as written in `schemaLocation`) → local file URL. */
export type CatalogMap = ReadonlyMap<string, string>;

const ENTRY = /<(system|uri)\b([^>]*?)\/?>/g;
const ATTRIBUTE = /([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

function attributesOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ATTRIBUTE)) out.set(m[1], m[3] ?? m[4] ?? '');
  return out;
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Reads the `system` and `uri` entries of an OASIS XML catalog (the subset the XÖV bundles use: exact
 * mappings, no delegation or rewriting). Relative `uri` values resolve against the catalog's directory.
 * libxml2-wasm is built without catalog support, so the validators apply this map themselves.
 */
export function readCatalog(catalogFile: string): CatalogMap {
  const text = readFileSync(catalogFile, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const base = dirname(catalogFile);
  const map = new Map<string, string>();
  for (const m of text.matchAll(ENTRY)) {
    const attrs = attributesOf(m[2]);
    const key = attrs.get(m[1] === 'system' ? 'systemId' : 'name');
    const target = attrs.get('uri');
    if (key === undefined || target === undefined) continue;
    const decoded = decodeEntities(target);
    const url = /^[a-z][a-z0-9+.-]*:/i.test(decoded) ? decoded : pathToFileURL(resolve(base, decoded)).href;
    map.set(decodeEntities(key), url);
  }
  return map;
}
