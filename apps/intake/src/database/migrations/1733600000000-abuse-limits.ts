import { createRateCountersTable, dropRateCountersTable } from '@amtsbote/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: the counters behind the per-client limit of anonymous drafts, and indexes for the per-Leistung
 * quotas of anonymous drafts and their files (counted at every anonymous draft and upload).
 */
export class AbuseLimits1733600000000 implements MigrationInterface {
  name = 'AbuseLimits1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await createRateCountersTable(q, 'intake');
    await q.query(
      `CREATE INDEX drafts_anonymous_leistung ON "intake".drafts (tenant, leika_key, expires_at) WHERE owner_key IS NULL`,
    );
    await q.query(
      `CREATE INDEX attachments_anonymous_leistung ON "intake".attachments (tenant, leika_key)
       WHERE owner_key IS NULL AND submission_id IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "intake".attachments_anonymous_leistung`);
    await q.query(`DROP INDEX IF EXISTS "intake".drafts_anonymous_leistung`);
    await dropRateCountersTable(q, 'intake');
  }
}
