import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CodeListRecord } from './code-lists.entity';

export type CodeListSummary = Omit<CodeListRecord, 'genericodeGzip'>;

const SUMMARY_COLUMNS: Array<keyof CodeListSummary> = [
  'canonicalVersionUri',
  'canonicalUri',
  'version',
  'shortName',
  'longName',
  'rowCount',
  'genericodeBytes',
  'genericodeSha256',
  'uploadedBy',
  'uploadedByTenant',
  'createdAt',
];

/** The admin's view of the stored code lists: upload, list, read, delete. */
@Injectable()
export class CodeListsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findSummary(
    canonicalVersionUri: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<CodeListSummary | null> {
    return manager.findOne(CodeListRecord, { where: { canonicalVersionUri }, select: SUMMARY_COLUMNS });
  }

  list(canonicalUri?: string): Promise<CodeListSummary[]> {
    return this.dataSource.manager.find(CodeListRecord, {
      select: SUMMARY_COLUMNS,
      where: canonicalUri === undefined ? {} : { canonicalUri },
      order: { canonicalUri: 'ASC', version: 'ASC' },
    });
  }

  async genericodeGzip(canonicalVersionUri: string): Promise<Buffer | undefined> {
    const found = await this.dataSource.manager.findOne(CodeListRecord, {
      where: { canonicalVersionUri },
      select: ['canonicalVersionUri', 'genericodeGzip'],
    });
    return found?.genericodeGzip;
  }

  /** Inserts unless the version exists; returns whether this call created it. */
  async insertIfAbsent(manager: EntityManager, record: Omit<CodeListRecord, 'createdAt'>): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(CodeListRecord)
      .values(record)
      .orIgnore()
      .returning(['canonicalVersionUri'])
      .execute();
    return result.raw !== undefined && (result.raw as unknown[]).length > 0;
  }

  /** Locks the version against concurrent pins (schema uploads wait for the delete, and then fail cleanly). */
  async lockForDelete(manager: EntityManager, canonicalVersionUri: string): Promise<CodeListSummary | null> {
    return manager.findOne(CodeListRecord, {
      where: { canonicalVersionUri },
      select: SUMMARY_COLUMNS,
      lock: { mode: 'pessimistic_write' },
    });
  }

  async delete(manager: EntityManager, canonicalVersionUri: string): Promise<void> {
    await manager.delete(CodeListRecord, { canonicalVersionUri });
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
