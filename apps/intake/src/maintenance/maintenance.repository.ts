import { returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

const S = '"intake"';

@Injectable()
export class MaintenanceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `work` only if no other replica runs maintenance right now (session advisory lock on a dedicated
   * connection); returns undefined when another one does.
   */
  async exclusively<T>(work: () => Promise<T>): Promise<T | undefined> {
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    try {
      const [row] = (await qr.query(
        `SELECT pg_try_advisory_lock(hashtext('amtsbote.intake.maintenance')) AS locked`,
      )) as Array<{ locked: boolean }>;
      if (!row?.locked) return undefined;
      try {
        return await work();
      } finally {
        await qr.query(`SELECT pg_advisory_unlock(hashtext('amtsbote.intake.maintenance'))`);
      }
    } finally {
      await qr.release();
    }
  }

  /** Submissions whose data is due for deletion: receipt confirmed, or ended otherwise, before `cutoff`. */
  async purgeCandidates(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM ${S}.submissions
       WHERE purged_at IS NULL AND (receipt_confirmed_at <= $1 OR ended_at <= $1)
       ORDER BY COALESCE(receipt_confirmed_at, ended_at) LIMIT $2`,
      [cutoff, limit],
    );
    return rows.map((r) => r.id);
  }

  async attachmentKeysOf(submissionIds: string[]): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ storage_key: string }>>(
      `SELECT storage_key FROM ${S}.attachments WHERE submission_id = ANY($1::uuid[]) AND purged_at IS NULL`,
      [submissionIds],
    );
    return rows.map((r) => r.storage_key);
  }

  /** Deletes form data and attachment names; keeps metadata, the timeline and the receipt with its hash. */
  async markPurged(submissionIds: string[]): Promise<void> {
    await this.dataSource.transaction(async (m: EntityManager) => {
      await m.query(
        `UPDATE ${S}.submissions SET data = NULL, id_bund_de = NULL, purged_at = now() WHERE id = ANY($1::uuid[])`,
        [submissionIds],
      );
      await m.query(
        `UPDATE ${S}.attachments SET filename = NULL, purged_at = now() WHERE submission_id = ANY($1::uuid[]) AND purged_at IS NULL`,
        [submissionIds],
      );
    });
  }

  async deleteIdempotencyKeysBefore(cutoff: Date): Promise<number> {
    const rows = returnedRows(
      await this.dataSource.query(`DELETE FROM ${S}.idempotency_keys WHERE created_at < $1 RETURNING 1`, [
        cutoff,
      ]),
    );
    return rows.length;
  }
}
