import { catalogSchemaPublishedV1, type EventPayload } from '@amtsbote/contracts';
import { parseSchema } from '@amtsbote/fim';
import { type PreparedFimSchema, prepareFimSchema } from '@amtsbote/xoev';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SchemasRepository } from './schemas.repository';

/** The FIM schema a submission refers to has not reached routing yet (catalog events may lag). */
export class SchemaNotYetKnownError extends Error {
  override name = 'SchemaNotYetKnownError';
}

/** The projected XDatenfelder cannot be used (a permanent problem of that schema version). */
export class SchemaUnusableError extends Error {
  override name = 'SchemaUnusableError';
}

const MAX_PREPARED = 64;

/** Routing's projection of the catalog's FIM schemas, prepared (parsed, XSD exported) once per version. */
@Injectable()
export class SchemasService {
  private readonly prepared = new Map<string, Promise<PreparedFimSchema>>();

  constructor(private readonly repository: SchemasRepository) {}

  async onPublished(manager: EntityManager, e: EventPayload<typeof catalogSchemaPublishedV1>): Promise<void> {
    await this.repository.store(manager, {
      schemaId: e.schemaId,
      version: e.version,
      xdf: e.xdf,
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
      try {
        return prepareFimSchema(parseSchema(record.xdf));
      } catch (err) {
        throw new SchemaUnusableError(
          `FIM schema ${schemaId} version ${version} cannot be used: ${(err as Error).message}`,
        );
      }
    })();
    this.prepared.set(key, hit);
    hit.catch((err) => {
      if (err instanceof SchemaNotYetKnownError) this.prepared.delete(key);
    });
    while (this.prepared.size > MAX_PREPARED)
      this.prepared.delete(this.prepared.keys().next().value as string);
    return hit;
  }

  list(): Promise<Array<{ schemaId: string; version: string; publishedAt: Date }>> {
    return this.repository.list();
  }
}
