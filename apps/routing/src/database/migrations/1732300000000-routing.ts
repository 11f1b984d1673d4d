import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Zuständigkeit (routes), destinations, the FIM schema projection, messages with their delivery state,
 * attachments, the Fachverfahren's receipts, status reports and replies, their files, and the audit log.
 */
export class Routing1732300000000 implements MigrationInterface {
  name = 'Routing1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing.audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        actor_tenant text,
        action text NOT NULL,
        target text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_at ON routing.audit_log (at)`);

    await q.query(`
      CREATE TABLE routing.destination (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        tenant text NOT NULL,
        name text NOT NULL,
        identity text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('http-push', 'pull')),
        format text NOT NULL CHECK (format IN ('xdomea-3.0', 'fim-xml', 'fit-connect-json')),
        endpoint_url text,
        callback_url text,
        mtls boolean NOT NULL DEFAULT false,
        secret_enc text NOT NULL,
        public_key jsonb,
        max_message_bytes integer NOT NULL,
        max_attachment_bytes integer NOT NULL,
        alert_contact text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (channel <> 'http-push' OR endpoint_url IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX destination_tenant ON routing.destination (tenant)`);

    await q.query(`
      CREATE TABLE routing.route (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        leika_key text NOT NULL CHECK (leika_key ~ '^99[0-9]{12}$'),
        ars_prefix text NOT NULL CHECK (ars_prefix ~ '^([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{9}|[0-9]{12})?$'),
        destination_id text NOT NULL REFERENCES routing.destination (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant, leika_key, ars_prefix)
      )`);
    await q.query(`CREATE INDEX route_destination ON routing.route (destination_id)`);

    await q.query(`
      CREATE TABLE routing.fim_schema (
        schema_id text NOT NULL,
        version text NOT NULL,
        xdf text NOT NULL,
        published_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (schema_id, version)
      )`);

    await q.query(`
      CREATE TABLE routing.unroutable (
        submission_id uuid PRIMARY KEY,
        tenant text NOT NULL,
        leika_key text NOT NULL,
        ars text NOT NULL,
        reason text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE routing.message (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('submission', 'citizen-reply')),
        submission_id uuid NOT NULL,
        reply_id uuid,
        tenant text NOT NULL,
        vorgangsnummer text NOT NULL,
        destination_id text NOT NULL REFERENCES routing.destination (id),
        format text NOT NULL,
        channel text NOT NULL,
        input jsonb,
        state text NOT NULL CHECK (state IN ('BUILDING', 'SENDING', 'AVAILABLE', 'DELIVERED', 'DEAD', 'REJECTED', 'EXPIRED', 'ABANDONED')),
        attempts integer NOT NULL DEFAULT 0,
        cycle_started_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz,
        last_error text,
        dead_reason text,
        dead_report jsonb,
        dead_at timestamptz,
        built_at timestamptz,
        payload bytea,
        payload_filename text,
        payload_media_type text,
        payload_size integer,
        payload_sha512 text,
        metadata bytea,
        encrypted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        available_at timestamptz,
        delivered_at timestamptz,
        fetched_at timestamptz,
        rejected_at timestamptz,
        rejection jsonb,
        receipt_at timestamptz,
        not_fetched_alert_at timestamptz,
        purged_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX message_submission ON routing.message (submission_id) WHERE kind = 'submission'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX message_reply ON routing.message (reply_id) WHERE kind = 'citizen-reply'`,
    );
    await q.query(`CREATE INDEX message_due ON routing.message (due_at) WHERE due_at IS NOT NULL`);
    await q.query(`CREATE INDEX message_destination_state ON routing.message (destination_id, state)`);
    await q.query(
      `CREATE INDEX message_available ON routing.message (available_at) WHERE state = 'AVAILABLE'`,
    );

    await q.query(`
      CREATE TABLE routing.message_attachment (
        message_id uuid NOT NULL REFERENCES routing.message (id) ON DELETE CASCADE,
        attachment_id uuid NOT NULL,
        position integer NOT NULL,
        filename text NOT NULL,
        media_type text NOT NULL,
        size bigint NOT NULL,
        sha512 text NOT NULL,
        source_url text,
        source_expires_at timestamptz,
        content bytea,
        encrypted boolean NOT NULL DEFAULT false,
        PRIMARY KEY (message_id, attachment_id)
      )`);

    await q.query(`
      CREATE TABLE routing.status_report (
        id uuid PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES routing.message (id),
        status text NOT NULL,
        text text,
        client_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX status_report_message ON routing.status_report (message_id)`);

    await q.query(`
      CREATE TABLE routing.reply (
        id uuid PRIMARY KEY,
        message_id uuid NOT NULL REFERENCES routing.message (id),
        kind text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        client_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reply_message ON routing.reply (message_id)`);

    await q.query(`
      CREATE TABLE routing.file (
        id uuid PRIMARY KEY,
        reply_id uuid NOT NULL REFERENCES routing.reply (id),
        filename text NOT NULL,
        media_type text NOT NULL,
        size integer NOT NULL,
        sha512 text NOT NULL,
        content bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        purged_at timestamptz
      )`);
    await q.query(`CREATE INDEX file_reply ON routing.file (reply_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'file',
      'reply',
      'status_report',
      'message_attachment',
      'message',
      'unroutable',
      'fim_schema',
      'route',
      'destination',
      'audit_log',
    ]) {
      await q.query(`DROP TABLE IF EXISTS routing.${table}`);
    }
  }
}
