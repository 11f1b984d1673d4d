import { createMandateProjectionTable } from '@amtsbote/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Catalog, drafts, attachments, submissions, their timeline, idempotency keys and the audit log. */
export class IntakeDomain1732300000000 implements MigrationInterface {
  name = 'IntakeDomain1732300000000';

  async up(q: QueryRunner): Promise<void> {
    const s = '"intake"';
    await createMandateProjectionTable(q, 'intake');

    await q.query(`
      CREATE TABLE ${s}.tenants (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        kind text NOT NULL CHECK (kind IN ('LAND', 'KOMMUNE')),
        name text NOT NULL,
        ars text NOT NULL CHECK (ars ~ '^([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{9}|[0-9]{12})$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE ${s}.fim_schemas (
        schema_id text NOT NULL,
        version text NOT NULL,
        name text NOT NULL,
        title text,
        generation text NOT NULL CHECK (generation IN ('xdf2', 'xdf3')),
        message_type text NOT NULL,
        xdf text NOT NULL,
        xdf_sha256 text NOT NULL,
        allow_unknown_code_lists boolean NOT NULL DEFAULT false,
        warnings jsonb NOT NULL DEFAULT '[]',
        uploaded_by text NOT NULL,
        uploaded_by_tenant text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (schema_id, version)
      )`);

    await q.query(`
      CREATE TABLE ${s}.leistungen (
        tenant text NOT NULL REFERENCES ${s}.tenants (id),
        leika_key text NOT NULL CHECK (leika_key ~ '^99[0-9]{12}$'),
        name_de text NOT NULL,
        name_en text,
        schema_id text NOT NULL,
        schema_version text NOT NULL,
        min_trust_level smallint NOT NULL CHECK (min_trust_level BETWEEN 0 AND 4),
        anonymous_allowed boolean NOT NULL,
        regions text[] NOT NULL,
        attachment_max_count integer NOT NULL,
        attachment_max_file_bytes bigint NOT NULL,
        attachment_max_total_bytes bigint NOT NULL,
        attachment_media_types text[] NOT NULL,
        draft_lifetime_seconds integer NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, leika_key),
        FOREIGN KEY (schema_id, schema_version) REFERENCES ${s}.fim_schemas (schema_id, version)
      )`);

    await q.query(`
      CREATE TABLE ${s}.audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_key text NOT NULL,
        tenant text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_tenant_at ON ${s}.audit_log (tenant, at DESC)`);

    await q.query(`
      CREATE TABLE ${s}.drafts (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        leika_key text NOT NULL,
        owner_key text,
        acted_by_key text,
        access_token_sha256 text,
        ars text,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CHECK (owner_key IS NOT NULL OR access_token_sha256 IS NOT NULL),
        FOREIGN KEY (tenant, leika_key) REFERENCES ${s}.leistungen (tenant, leika_key)
      )`);
    await q.query(`CREATE INDEX drafts_owner ON ${s}.drafts (owner_key) WHERE owner_key IS NOT NULL`);
    await q.query(`CREATE INDEX drafts_expires_at ON ${s}.drafts (expires_at)`);

    await q.query(`
      CREATE TABLE ${s}.submissions (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        leika_key text NOT NULL,
        leistung_name text NOT NULL,
        vorgangsnummer text NOT NULL,
        ars text NOT NULL,
        owner_key text,
        acted_by_key text,
        applicant_kind text NOT NULL CHECK (applicant_kind IN ('person', 'organisation', 'anonymous')),
        trust_level smallint NOT NULL,
        schema_id text NOT NULL,
        schema_version text NOT NULL,
        data jsonb,
        data_sha512 text NOT NULL,
        receipt jsonb NOT NULL,
        receipt_token_sha256 text,
        status text NOT NULL,
        status_changed_at timestamptz NOT NULL,
        payment jsonb,
        submitted_at timestamptz NOT NULL,
        receipt_confirmed_at timestamptz,
        ended_at timestamptz,
        purged_at timestamptz,
        UNIQUE (tenant, vorgangsnummer)
      )`);
    await q.query(`CREATE INDEX submissions_owner ON ${s}.submissions (owner_key, submitted_at DESC)`);
    await q.query(
      `CREATE INDEX submissions_purge_receipt ON ${s}.submissions (receipt_confirmed_at) WHERE purged_at IS NULL AND receipt_confirmed_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX submissions_purge_ended ON ${s}.submissions (ended_at) WHERE purged_at IS NULL AND ended_at IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE ${s}.submission_status_history (
        id bigserial PRIMARY KEY,
        submission_id uuid NOT NULL REFERENCES ${s}.submissions (id) ON DELETE CASCADE,
        status text NOT NULL,
        previous_status text,
        at timestamptz NOT NULL,
        reason jsonb
      )`);
    await q.query(
      `CREATE INDEX submission_status_history_submission ON ${s}.submission_status_history (submission_id, id)`,
    );

    await q.query(`
      CREATE TABLE ${s}.attachments (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        leika_key text NOT NULL,
        owner_key text,
        draft_id uuid,
        submission_id uuid REFERENCES ${s}.submissions (id),
        filename text,
        media_type text NOT NULL,
        size bigint NOT NULL,
        sha512 text NOT NULL,
        storage_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        purged_at timestamptz
      )`);
    await q.query(`CREATE INDEX attachments_draft ON ${s}.attachments (draft_id) WHERE draft_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX attachments_submission ON ${s}.attachments (submission_id) WHERE submission_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE ${s}.idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_sha256 text NOT NULL,
        response_status smallint NOT NULL,
        response_body json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_at ON ${s}.idempotency_keys (created_at)`);

    await q.query(`
      CREATE TABLE ${s}.vorgangsnummer_counters (
        tenant text NOT NULL,
        year integer NOT NULL,
        last bigint NOT NULL,
        PRIMARY KEY (tenant, year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    const s = '"intake"';
    for (const table of [
      'vorgangsnummer_counters',
      'idempotency_keys',
      'attachments',
      'submission_status_history',
      'submissions',
      'drafts',
      'audit_log',
      'leistungen',
      'fim_schemas',
      'tenants',
      'mandates',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
