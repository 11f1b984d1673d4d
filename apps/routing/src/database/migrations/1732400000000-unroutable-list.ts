import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unroutable submissions become an admin list: the Vorgangsnummer lets an operator match a citizen's call
 * (the citizen quotes it to their Stadt- or Gemeindeverwaltung), the index serves the newest-first list per
 * tenant. Rows recorded before this migration have no Vorgangsnummer.
 */
export class UnroutableList1732400000000 implements MigrationInterface {
  name = 'UnroutableList1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.unroutable ADD COLUMN vorgangsnummer text`);
    await q.query(`CREATE INDEX unroutable_tenant_at ON routing.unroutable (tenant, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS routing.unroutable_tenant_at`);
    await q.query(`ALTER TABLE routing.unroutable DROP COLUMN IF EXISTS vorgangsnummer`);
  }
}
