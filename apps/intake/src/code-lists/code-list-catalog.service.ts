import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type InlineDocument, toInlineDocument } from '@amtsbote/contracts';
import {
  type CodeList,
  CodeListCache,
  CodeListRegistry,
  compareVersions,
  type FimSchema,
  pinnedUri,
} from '@amtsbote/fim';
import { APP_CONFIG } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { IntakeConfig } from '../config';
import { type CodeListCandidate, CodeListSourcesRepository } from './code-list-sources.repository';

/** Where a list a schema resolved to comes from; only `catalog` lists live in the database. */
export type CodeListOrigin = 'catalog' | 'directory' | 'bundled';

/** The lists one compilation may use, and where each came from. */
export class CodeListSources {
  constructor(
    readonly registry: CodeListRegistry,
    /** canonicalVersionUri -> SHA-256 of the stored genericode, for the lists taken from the database. */
    readonly catalog: ReadonlyMap<string, string>,
    private readonly directory: ReadonlyMap<string, InlineDocument>,
  ) {}

  origin(canonicalVersionUri: string): CodeListOrigin | undefined {
    if (this.catalog.has(canonicalVersionUri)) return 'catalog';
    if (this.directory.has(canonicalVersionUri)) return 'directory';
    return this.registry.get(canonicalVersionUri) ? 'bundled' : undefined;
  }

  /** A list from INTAKE_CODELIST_DIR as the catalog event carries it. */
  directoryDocument(canonicalVersionUri: string): InlineDocument | undefined {
    return this.directory.get(canonicalVersionUri);
  }
}

function cacheKey(canonicalVersionUri: string, sha256: string): string {
  return `${canonicalVersionUri}#${sha256}`;
}

/**
 * intake's code lists for compiling schemas: the bundled ones, those of INTAKE_CODELIST_DIR and those admins
 * uploaded (PostgreSQL, so every replica sees the same). Stored lists are parsed once per process (cached by
 * canonicalVersionUri and content hash; a version is immutable while a schema pins it) and only those a
 * schema can use are loaded.
 */
@Injectable()
export class CodeListCatalog {
  private readonly base = new CodeListRegistry();
  private readonly directory = new Map<string, InlineDocument>();
  private readonly parsed = new CodeListCache(64);

  constructor(
    private readonly sources: CodeListSourcesRepository,
    @Inject(APP_CONFIG) config: IntakeConfig,
  ) {
    if (config.INTAKE_CODELIST_DIR === undefined) return;
    for (const list of this.base.loadDirectory(config.INTAKE_CODELIST_DIR)) {
      // Kept compressed for routing: a schema pinning a directory list announces it as a catalog code list.
      this.directory.set(list.canonicalVersionUri, toInlineDocument(readFileSync(list.source ?? '')));
    }
  }

  /**
   * The lists a schema's references can resolve to under the library's rule (exact canonicalVersionUri, else
   * the newest version of the canonical URI): of every stored canonical URI the schema names, the newest
   * version and the exact ones it asks for.
   */
  async forSchema(schema: FimSchema): Promise<CodeListSources> {
    const canonicalUris = new Set<string>();
    const exact = new Set<string>();
    for (const node of schema.nodes.values()) {
      const ref = node.kind === 'field' ? node.field.codeliste : undefined;
      if (ref === undefined) continue;
      if (ref.canonicalUri !== undefined) canonicalUris.add(ref.canonicalUri);
      const pinned = pinnedUri(ref);
      if (pinned !== undefined) exact.add(pinned);
    }
    const candidates = await this.sources.candidates([...canonicalUris], [...exact]);
    const newest = new Map<string, CodeListCandidate>();
    for (const c of candidates) {
      const best = newest.get(c.canonicalUri);
      if (best === undefined || compareVersions(c.version, best.version) > 0) newest.set(c.canonicalUri, c);
    }
    return this.load([
      ...newest.values(),
      ...candidates.filter((c) => exact.has(c.canonicalVersionUri) && newest.get(c.canonicalUri) !== c),
    ]);
  }

  /** The lists a stored schema was pinned to (requested URI -> canonicalVersionUri). */
  async forPins(pins: Readonly<Record<string, string>>): Promise<CodeListSources> {
    const uris = [...new Set(Object.values(pins))];
    return this.load(uris.length === 0 ? [] : await this.sources.candidates([], uris));
  }

  /** Keeps a list parsed at upload, so the first schema using it does not parse it again. */
  remember(list: CodeList, sha256: string): void {
    this.parsed.set(cacheKey(list.canonicalVersionUri, sha256), list);
  }

  forget(canonicalVersionUri: string, sha256: string): void {
    this.parsed.delete(cacheKey(canonicalVersionUri, sha256));
  }

  private async load(stored: readonly CodeListCandidate[]): Promise<CodeListSources> {
    const registry = new CodeListRegistry({ bundled: false });
    for (const list of this.base.list()) registry.add(list);
    const catalog = new Map<string, string>();
    // Stored lists come last: an uploaded version replaces a bundled or directory list of the same URI.
    for (const c of stored) {
      const list = await this.parsed.get(
        cacheKey(c.canonicalVersionUri, c.genericodeSha256),
        async () => gunzipSync(await this.sources.genericodeGzip(c.canonicalVersionUri, c.genericodeSha256)),
        'catalog',
      );
      registry.add(list);
      catalog.set(list.canonicalVersionUri, c.genericodeSha256);
    }
    return new CodeListSources(registry, catalog, this.directory);
  }
}
