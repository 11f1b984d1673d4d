import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The files of replies (Bescheide) move from the `content` bytea column into the platform's file store
 * (FILE_STORE: the filesystem under ROUTING_STORAGE_DIR, or S3), keyed by the file's id. `in_store` marks the
 * rows written since; rows written before keep their bytes in `content` and stay readable from there until
 * the retention purge empties them, so nothing is copied and no old version breaks (expand only: the column
 * stays; a later release may drop it once no row has content).
 */
export class ReplyFilesInStore1732600000000 implements MigrationInterface {
  name = 'ReplyFilesInStore1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.file ADD COLUMN in_store boolean NOT NULL DEFAULT false`);
    await q.query(
      `ALTER TABLE routing.file ADD CONSTRAINT file_bytes_in_one_place CHECK (NOT (in_store AND content IS NOT NULL))`,
    );
    await q.query(
      `COMMENT ON COLUMN routing.file.content IS 'bytes of files written before the file store (in_store = false); new files keep none here'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.file DROP CONSTRAINT IF EXISTS file_bytes_in_one_place`);
    await q.query(`ALTER TABLE routing.file DROP COLUMN IF EXISTS in_store`);
  }
}
