import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CatalogCodeListRef } from './schemas.repository';

export interface CodeListRecord extends CatalogCodeListRef {
  canonicalUri: string;
  version: string;
  genericodeGzip: Buffer;
  genericodeBytes: number;
  publishedAt: Date;
}

export type CodeListListing = Omit<CodeListRecord, 'genericodeGzip'>;

/** routing's projection of the catalog's code lists: every content a version was published with, kept once. */
@Injectable()
export class CodeListsRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  async store(manager: EntityManager, r: CodeListRecord): Promise<void> {
    await manager.query(
      `INSERT INTO routing.code_list (canonical_version_uri, sha256, canonical_uri, version, genericode_gzip,
         genericode_bytes, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (canonical_version_uri, sha256) DO NOTHING`,
      [
        r.canonicalVersionUri,
        r.sha256,
        r.canonicalUri,
        r.version,
        r.genericodeGzip,
        r.genericodeBytes,
        r.publishedAt,
      ],
    );
  }

  /** The compressed documents of the given lists that routing has. */
  async find(refs: readonly CatalogCodeListRef[]): Promise<Map<string, Buffer>> {
    if (refs.length === 0) return new Map();
    const rows = await this.dataSource.query<
      Array<{ canonical_version_uri: string; sha256: string; genericode_gzip: Buffer }>
    >(
      `SELECT canonical_version_uri, sha256, genericode_gzip FROM routing.code_list
       WHERE (canonical_version_uri, sha256) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [refs.map((r) => r.canonicalVersionUri), refs.map((r) => r.sha256)],
    );
    return new Map(rows.map((r) => [`${r.canonical_version_uri}#${r.sha256}`, r.genericode_gzip]));
  }

  async list(): Promise<CodeListListing[]> {
    const rows = await this.dataSource.query<
      Array<{
        canonical_version_uri: string;
        sha256: string;
        canonical_uri: string;
        version: string;
        genericode_bytes: number;
        published_at: Date;
      }>
    >(
      `SELECT canonical_version_uri, sha256, canonical_uri, version, genericode_bytes, published_at
       FROM routing.code_list ORDER BY canonical_uri, version, published_at`,
    );
    return rows.map((r) => ({
      canonicalVersionUri: r.canonical_version_uri,
      sha256: r.sha256,
      canonicalUri: r.canonical_uri,
      version: r.version,
      genericodeBytes: r.genericode_bytes,
      publishedAt: r.published_at,
    }));
  }
}
