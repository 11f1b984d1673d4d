import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** A code list of the catalog by version and content, as a schema was compiled with it. */
export interface CatalogCodeListRef {
  canonicalVersionUri: string;
  sha256: string;
}

export interface FimSchemaRecord {
  schemaId: string;
  version: string;
  xdf: string;
  publishedAt: Date;
  /** The catalog event's version: v1 carried no code-list resolution. */
  contractVersion: 1 | 2;
  xdfSha256: string | null;
  allowUnknownCodeLists: boolean;
  codeListPins: Record<string, string>;
  codeLists: CatalogCodeListRef[];
}

export interface FimSchemaListing {
  schemaId: string;
  version: string;
  publishedAt: Date;
  xdfSha256: string | null;
  /** canonicalVersionUris of the lists the schema needs that have not reached routing yet. */
  missingCodeLists: string[];
}

interface Row {
  schema_id: string;
  version: string;
  xdf: string;
  published_at: Date;
  contract_version: number;
  xdf_sha256: string | null;
  allow_unknown_code_lists: boolean;
  code_list_pins: Record<string, string>;
  code_lists: CatalogCodeListRef[];
}

@Injectable()
export class SchemasRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  /** Published versions are immutable: a second event for the same version changes nothing. */
  async store(manager: EntityManager, r: FimSchemaRecord): Promise<void> {
    await manager.query(
      `INSERT INTO routing.fim_schema (schema_id, version, xdf, published_at, contract_version, xdf_sha256,
         allow_unknown_code_lists, code_list_pins, code_lists)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
       ON CONFLICT (schema_id, version) DO NOTHING`,
      [
        r.schemaId,
        r.version,
        r.xdf,
        r.publishedAt,
        r.contractVersion,
        r.xdfSha256,
        r.allowUnknownCodeLists,
        JSON.stringify(r.codeListPins),
        JSON.stringify(r.codeLists),
      ],
    );
  }

  async find(schemaId: string, version: string): Promise<FimSchemaRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT schema_id, version, xdf, published_at, contract_version, xdf_sha256, allow_unknown_code_lists,
         code_list_pins, code_lists
       FROM routing.fim_schema WHERE schema_id = $1 AND version = $2`,
      [schemaId, version],
    );
    const r = rows[0];
    if (r === undefined) return undefined;
    return {
      schemaId: r.schema_id,
      version: r.version,
      xdf: r.xdf,
      publishedAt: r.published_at,
      contractVersion: r.contract_version === 2 ? 2 : 1,
      xdfSha256: r.xdf_sha256,
      allowUnknownCodeLists: r.allow_unknown_code_lists,
      codeListPins: r.code_list_pins,
      codeLists: r.code_lists,
    };
  }

  async list(): Promise<FimSchemaListing[]> {
    const rows = await this.dataSource.query<
      Array<{
        schema_id: string;
        version: string;
        published_at: Date;
        xdf_sha256: string | null;
        missing: string[];
      }>
    >(
      `SELECT s.schema_id, s.version, s.published_at, s.xdf_sha256,
         ARRAY(SELECT l->>'canonicalVersionUri' FROM jsonb_array_elements(s.code_lists) l
               WHERE NOT EXISTS (SELECT 1 FROM routing.code_list c
                                 WHERE c.canonical_version_uri = l->>'canonicalVersionUri' AND c.sha256 = l->>'sha256')
               ORDER BY 1) AS missing
       FROM routing.fim_schema s ORDER BY s.schema_id, s.version`,
    );
    return rows.map((r) => ({
      schemaId: r.schema_id,
      version: r.version,
      publishedAt: r.published_at,
      xdfSha256: r.xdf_sha256,
      missingCodeLists: r.missing,
    }));
  }
}
