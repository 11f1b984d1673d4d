import { returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type FileRecord, type FileRow, toFile } from './postkorb.records';

/** The authority attachments the worker fetches into the file store (`attachment-fetcher.ts`). */
@Injectable()
export class FileFetchesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Claims authority attachments due for fetching (other replicas skip them while this one works). */
  async claimFetches(manager: EntityManager, limit: number): Promise<FileRecord[]> {
    const result: unknown = await manager.query(
      `UPDATE accounts.files f SET attempts = f.attempts + 1, next_attempt_at = now() + interval '5 minutes'
       WHERE f.id IN (
         SELECT id FROM accounts.files WHERE state = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING f.*`,
      [limit],
    );
    return returnedRows<FileRow>(result).map(toFile);
  }

  async markStored(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE accounts.files SET state = 'stored', source_url = NULL, next_attempt_at = NULL, last_error = NULL
       WHERE id = $1`,
      [id],
    );
  }

  async markFetchFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE accounts.files
         SET state = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
             source_url = CASE WHEN $3::timestamptz IS NULL THEN NULL ELSE source_url END,
             next_attempt_at = $3, last_error = $2
       WHERE id = $1`,
      [id, error.slice(0, 1000), retryAt],
    );
  }
}
