import { gunzipSync } from 'node:zlib';
import {
  type catalogCodeListPublishedV1,
  type catalogSchemaPublishedV1,
  type catalogSchemaPublishedV2,
  type EventPayload,
  fromInlineDocument,
} from '@amtsbote/contracts';
import { type CompileOptions, CodeListCache, CodeListRegistry, parseSchema } from '@amtsbote/fim';
import { type PreparedFimSchema, prepareFimSchema } from '@amtsbote/xoev';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CodeListListing, CodeListsRepository } from './code-lists.repository';
import { type FimSchemaListing, type FimSchemaRecord, SchemasRepository } from './schemas.repository';

/** The FIM schema a submission refers to (or a code list it needs) has not reached routing yet (catalog events may lag). */
export class SchemaNotYetKnownError extends Error {
  override name = 'SchemaNotYetKnownError';

  constructor(
    message: string,
    /** canonicalVersionUris of the code lists the schema waits for (empty: the schema itself is unknown). */
    readonly missingCodeLists: readonly string[] = [],
  ) {
    super(message);
  }
}

/** The projected XDatenfelder cannot be used (a permanent problem of that schema version). */
export class SchemaUnusableError extends Error {
  override name = 'SchemaUnusableError';
}

const MAX_PREPARED = 64;

const listKey = (canonicalVersionUri: string, sha256: string) => `${canonicalVersionUri}#${sha256}`;

/**
 * Routing's projection of the catalog's FIM schemas and code lists. A schema is prepared (parsed, compiled with
 * the code lists and pins intake compiled it with, XSD exported) once per version.
 */
@Injectable()
export class SchemasService {
  private readonly prepared = new Map<string, Promise<PreparedFimSchema>>();
  private readonly parsedLists = new CodeListCache(32);

  constructor(
    private readonly repository: SchemasRepository,
    private readonly codeLists: CodeListsRepository,
  ) {}

  async onPublishedV1(
    manager: EntityManager,
    e: EventPayload<typeof catalogSchemaPublishedV1>,
  ): Promise<void> {
    await this.repository.store(manager, {
      schemaId: e.schemaId,
      version: e.version,
      xdf: e.xdf,
      publishedAt: new Date(e.publishedAt),
      contractVersion: 1,
      xdfSha256: e.xdfSha256 ?? null,
      allowUnknownCodeLists: false,
      codeListPins: {},
      codeLists: [],
    });
  }

  async onPublishedV2(
    manager: EntityManager,
    e: EventPayload<typeof catalogSchemaPublishedV2>,
  ): Promise<void> {
    await this.repository.store(manager, {
      schemaId: e.schemaId,
      version: e.version,
      // Checked against the announced size and hash: a broken event fails here, not at the first submission.
      xdf: fromInlineDocument(e.xdf).toString('utf8'),
      publishedAt: new Date(e.publishedAt),
      contractVersion: 2,
      xdfSha256: e.xdf.sha256,
      allowUnknownCodeLists: e.allowUnknownCodeLists,
      codeListPins: e.codeListPins,
      codeLists: e.codeLists,
    });
  }

  async onCodeListPublished(
    manager: EntityManager,
    e: EventPayload<typeof catalogCodeListPublishedV1>,
  ): Promise<void> {
    fromInlineDocument(e.genericode);
    await this.codeLists.store(manager, {
      canonicalVersionUri: e.canonicalVersionUri,
      sha256: e.genericode.sha256,
      canonicalUri: e.canonicalUri,
      version: e.version,
      genericodeGzip: Buffer.from(e.genericode.gzip, 'base64'),
      genericodeBytes: e.genericode.bytes,
      publishedAt: new Date(e.publishedAt),
    });
  }

  /** The prepared schema; throws {@link SchemaNotYetKnownError} or {@link SchemaUnusableError}. */
  get(schemaId: string, version: string): Promise<PreparedFimSchema> {
    const key = `${schemaId}@${version}`;
    let hit = this.prepared.get(key);
    if (hit !== undefined) {
      this.prepared.delete(key);
      this.prepared.set(key, hit);
      return hit;
    }
    hit = (async () => {
      const record = await this.repository.find(schemaId, version);
      if (record === undefined) {
        throw new SchemaNotYetKnownError(
          `FIM schema ${schemaId} version ${version} has not been published to routing yet`,
        );
      }
      const options = await this.compileOptions(record);
      try {
        return prepareFimSchema(parseSchema(record.xdf), options);
      } catch (err) {
        throw new SchemaUnusableError(
          `FIM schema ${schemaId} version ${version} cannot be used: ${(err as Error).message}`,
        );
      }
    })();
    this.prepared.set(key, hit);
    // Only a permanent problem is remembered; not yet known, or the database away, is tried again.
    hit.catch((err) => {
      if (!(err instanceof SchemaUnusableError) && this.prepared.get(key) === hit) this.prepared.delete(key);
    });
    while (this.prepared.size > MAX_PREPARED)
      this.prepared.delete(this.prepared.keys().next().value as string);
    return hit;
  }

  /** What intake compiled the schema with: its pins, allowUnknownCodeLists and the catalog lists (v2 events). */
  private async compileOptions(record: FimSchemaRecord): Promise<CompileOptions> {
    if (record.contractVersion === 1) return {};
    const stored = await this.codeLists.find(record.codeLists);
    const missing = record.codeLists.filter((r) => !stored.has(listKey(r.canonicalVersionUri, r.sha256)));
    if (missing.length > 0) {
      throw new SchemaNotYetKnownError(
        `FIM schema ${record.schemaId} version ${record.version} waits for code lists that have not reached routing yet: ${missing.map((m) => m.canonicalVersionUri).join(', ')}`,
        missing.map((m) => m.canonicalVersionUri),
      );
    }
    const registry = new CodeListRegistry();
    for (const ref of record.codeLists) {
      const key = listKey(ref.canonicalVersionUri, ref.sha256);
      const gzip = stored.get(key)!;
      registry.add(await this.parsedLists.get(key, () => Promise.resolve(gunzipSync(gzip)), 'catalog'));
    }
    return {
      codeLists: registry,
      codeListPins: record.codeListPins,
      allowUnknownCodeLists: record.allowUnknownCodeLists,
    };
  }

  list(): Promise<FimSchemaListing[]> {
    return this.repository.list();
  }

  receivedCodeLists(): Promise<CodeListListing[]> {
    return this.codeLists.list();
  }
}
