import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's v2 schema events carry the code-list pins and the lists a schema was compiled with; routing
 * keeps them (`fim_schema` columns) and a projection of the catalog's code lists, keyed by canonicalVersionUri
 * and content hash so that copies and late events change nothing. v1 rows keep `contract_version` 1.
 */
export class FimCodeLists1733100000000 implements MigrationInterface {
  name = 'FimCodeLists1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE routing.fim_schema
        ADD COLUMN contract_version smallint NOT NULL DEFAULT 1,
        ADD COLUMN xdf_sha256 text,
        ADD COLUMN allow_unknown_code_lists boolean NOT NULL DEFAULT false,
        ADD COLUMN code_list_pins jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN code_lists jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      CREATE TABLE routing.code_list (
        canonical_version_uri text NOT NULL,
        sha256 text NOT NULL,
        canonical_uri text NOT NULL,
        version text NOT NULL,
        genericode_gzip bytea NOT NULL,
        genericode_bytes integer NOT NULL,
        published_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (canonical_version_uri, sha256)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS routing.code_list`);
    for (const column of [
      'contract_version',
      'xdf_sha256',
      'allow_unknown_code_lists',
      'code_list_pins',
      'code_lists',
    ]) {
      await q.query(`ALTER TABLE routing.fim_schema DROP COLUMN IF EXISTS ${column}`);
    }
  }
}
