import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface FimSchemaRecord {
  schemaId: string;
  version: string;
  xdf: string;
  publishedAt: Date;
}

@Injectable()
export class SchemasRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  /** Published versions are immutable: a second event for the same version changes nothing. */
  async store(manager: EntityManager, r: FimSchemaRecord): Promise<void> {
    await manager.query(
      `INSERT INTO routing.fim_schema (schema_id, version, xdf, published_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (schema_id, version) DO NOTHING`,
      [r.schemaId, r.version, r.xdf, r.publishedAt],
    );
  }

  async find(schemaId: string, version: string): Promise<FimSchemaRecord | undefined> {
    const rows = await this.dataSource.query<
      Array<{ schema_id: string; version: string; xdf: string; published_at: Date }>
    >(
      `SELECT schema_id, version, xdf, published_at FROM routing.fim_schema WHERE schema_id = $1 AND version = $2`,
      [schemaId, version],
    );
    const r = rows[0];
    return r
      ? { schemaId: r.schema_id, version: r.version, xdf: r.xdf, publishedAt: r.published_at }
      : undefined;
  }

  async list(): Promise<Array<{ schemaId: string; version: string; publishedAt: Date }>> {
    const rows = await this.dataSource.query<
      Array<{ schema_id: string; version: string; published_at: Date }>
    >(`SELECT schema_id, version, published_at FROM routing.fim_schema ORDER BY schema_id, version`);
    return rows.map((r) => ({ schemaId: r.schema_id, version: r.version, publishedAt: r.published_at }));
  }
}
