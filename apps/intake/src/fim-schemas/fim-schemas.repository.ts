import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { FimSchemaRecord } from './fim-schemas.entity';

export type FimSchemaSummary = Omit<FimSchemaRecord, 'xdf'>;

const SUMMARY_COLUMNS: Array<keyof FimSchemaSummary> = [
  'schemaId',
  'version',
  'name',
  'title',
  'generation',
  'messageType',
  'xdfSha256',
  'allowUnknownCodeLists',
  'warnings',
  'codeListPins',
  'codeLists',
  'uploadedBy',
  'uploadedByTenant',
  'createdAt',
];

@Injectable()
export class FimSchemasRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(schemaId: string, version: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOne(FimSchemaRecord, { where: { schemaId, version } });
  }

  findSummary(schemaId: string, version: string): Promise<FimSchemaSummary | null> {
    return this.dataSource.manager.findOne(FimSchemaRecord, {
      where: { schemaId, version },
      select: SUMMARY_COLUMNS,
    });
  }

  list(): Promise<FimSchemaSummary[]> {
    return this.dataSource.manager.find(FimSchemaRecord, {
      select: SUMMARY_COLUMNS,
      order: { schemaId: 'ASC', version: 'ASC' },
    });
  }

  /** Inserts unless the id + version exists; returns whether this call created it. */
  async insertIfAbsent(manager: EntityManager, record: Omit<FimSchemaRecord, 'createdAt'>): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(FimSchemaRecord)
      .values(record)
      .orIgnore()
      .returning(['schemaId'])
      .execute();
    return result.raw !== undefined && (result.raw as unknown[]).length > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
