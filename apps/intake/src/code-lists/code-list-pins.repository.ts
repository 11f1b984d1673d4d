import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FimSchemaCodeList } from './code-lists.entity';

export interface SchemaVersionRef {
  schemaId: string;
  version: string;
}

/** Which stored schema versions use which stored code lists. */
@Injectable()
export class CodeListPinsRepository {
  /** Records the catalog lists a new schema version was compiled with (inside its insert transaction). */
  async pin(
    manager: EntityManager,
    schema: SchemaVersionRef,
    canonicalVersionUris: readonly string[],
  ): Promise<void> {
    if (canonicalVersionUris.length === 0) return;
    await manager.insert(
      FimSchemaCodeList,
      canonicalVersionUris.map((canonicalVersionUri) => ({ ...schema, canonicalVersionUri })),
    );
  }

  async schemasUsing(manager: EntityManager, canonicalVersionUri: string): Promise<SchemaVersionRef[]> {
    const rows = await manager.find(FimSchemaCodeList, {
      where: { canonicalVersionUri },
      order: { schemaId: 'ASC', version: 'ASC' },
    });
    return rows.map((r) => ({ schemaId: r.schemaId, version: r.version }));
  }
}
