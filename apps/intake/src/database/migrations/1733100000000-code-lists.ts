import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Code lists as data the installation manages: genericode documents (gzip) by canonicalVersionUri, shared by all
 * tenants like FIM schemas. A stored schema pins the lists it was accepted with (`code_list_pins`, requested URI
 * -> canonicalVersionUri, and the resolution report `code_lists`); `fim_schema_code_lists` links it to the stored
 * lists so that a pinned list cannot be deleted (foreign key, also against a concurrent upload).
 */
export class CodeLists1733100000000 implements MigrationInterface {
  name = 'CodeLists1733100000000';

  async up(q: QueryRunner): Promise<void> {
    const s = '"intake"';
    await q.query(`
      CREATE TABLE ${s}.code_lists (
        canonical_version_uri text PRIMARY KEY,
        canonical_uri text NOT NULL,
        version text NOT NULL,
        short_name text,
        long_name text,
        row_count integer NOT NULL,
        genericode_gzip bytea NOT NULL,
        genericode_bytes integer NOT NULL,
        genericode_sha256 text NOT NULL,
        uploaded_by text NOT NULL,
        uploaded_by_tenant text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX code_lists_canonical_uri ON ${s}.code_lists (canonical_uri)`);
    await q.query(`
      ALTER TABLE ${s}.fim_schemas
        ADD COLUMN code_list_pins jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN code_lists jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      CREATE TABLE ${s}.fim_schema_code_lists (
        schema_id text NOT NULL,
        version text NOT NULL,
        canonical_version_uri text NOT NULL REFERENCES ${s}.code_lists (canonical_version_uri),
        PRIMARY KEY (schema_id, version, canonical_version_uri),
        FOREIGN KEY (schema_id, version) REFERENCES ${s}.fim_schemas (schema_id, version) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX fim_schema_code_lists_list ON ${s}.fim_schema_code_lists (canonical_version_uri)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const s = '"intake"';
    await q.query(`DROP TABLE IF EXISTS ${s}.fim_schema_code_lists`);
    await q.query(`ALTER TABLE ${s}.fim_schemas DROP COLUMN IF EXISTS code_list_pins`);
    await q.query(`ALTER TABLE ${s}.fim_schemas DROP COLUMN IF EXISTS code_lists`);
    await q.query(`DROP TABLE IF EXISTS ${s}.code_lists`);
  }
}
