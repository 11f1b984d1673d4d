import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19: the citizen's explicit consent to a digital Bescheid and the BundID/DeutschlandID references
 * from the identity token, stored with the submission for `submission.ready` (FIT-Connect metadata 2.1.0);
 * drafts keep the consent like the region. Nullable columns only: the previous release runs on this schema.
 */
export class DigitalBescheidConsent1734000000000 implements MigrationInterface {
  name = 'DigitalBescheidConsent1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "intake".submissions ADD COLUMN digital_bescheid_consent boolean`);
    await q.query(`ALTER TABLE "intake".submissions ADD COLUMN id_bund_de jsonb`);
    await q.query(`ALTER TABLE "intake".drafts ADD COLUMN digital_bescheid_consent boolean`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "intake".drafts DROP COLUMN IF EXISTS digital_bescheid_consent`);
    await q.query(`ALTER TABLE "intake".submissions DROP COLUMN IF EXISTS id_bund_de`);
    await q.query(`ALTER TABLE "intake".submissions DROP COLUMN IF EXISTS digital_bescheid_consent`);
  }
}
