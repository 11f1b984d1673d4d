import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, representation mandates, the submission projection, the Postkorb and its notifications. */
export class AccountsPostkorb1732300000000 implements MigrationInterface {
  name = 'AccountsPostkorb1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts.accounts (
        id uuid PRIMARY KEY,
        key text NOT NULL UNIQUE,
        issuer text NOT NULL,
        subject text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('person', 'organisation')),
        token_name text,
        display_name text,
        trust_level smallint NOT NULL,
        email text,
        email_confirmed_at timestamptz,
        email_pending text,
        email_token_hash text UNIQUE,
        email_token_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Who erased their account and when: events of submissions made before that are dropped.
    await q.query(`
      CREATE TABLE accounts.erased_accounts (
        account_key text PRIMARY KEY,
        erased_at timestamptz NOT NULL
      )`);

    await q.query(`
      CREATE TABLE accounts.mandates (
        mandate_id uuid PRIMARY KEY,
        organisation_key text NOT NULL,
        representative_key text NOT NULL,
        leika_keys text[],
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        revoked_at timestamptz,
        granted_by_key text NOT NULL,
        revoked_by_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_until IS NULL OR valid_until > valid_from),
        CHECK (organisation_key <> representative_key)
      )`);
    await q.query(`CREATE INDEX mandates_representative ON accounts.mandates (representative_key)`);
    await q.query(`CREATE INDEX mandates_organisation ON accounts.mandates (organisation_key, created_at)`);

    await q.query(`
      CREATE TABLE accounts.submissions (
        submission_id uuid PRIMARY KEY,
        owner_key text,
        anonymous boolean NOT NULL DEFAULT false,
        acted_by_key text,
        tenant text NOT NULL,
        vorgangsnummer text NOT NULL,
        leika_key text,
        leistung_name text,
        submitted_at timestamptz NOT NULL,
        status text,
        outcome text,
        status_at timestamptz,
        erased_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX submissions_owner ON accounts.submissions (owner_key, submitted_at DESC)`);
    // Events that arrived before accounts knew whose submission it is (topics are not ordered among each other).
    await q.query(`
      CREATE TABLE accounts.pending_events (
        event_id text PRIMARY KEY,
        submission_id uuid NOT NULL,
        type text NOT NULL,
        data jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX pending_events_submission ON accounts.pending_events (submission_id)`);
    await q.query(`
      CREATE TABLE accounts.timeline_entries (
        event_id text PRIMARY KEY,
        submission_id uuid NOT NULL,
        owner_key text NOT NULL,
        kind text NOT NULL,
        status text,
        outcome text,
        title_de text NOT NULL,
        title_en text NOT NULL,
        message_id uuid,
        at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX timeline_submission ON accounts.timeline_entries (submission_id, at)`);
    await q.query(`CREATE INDEX timeline_owner ON accounts.timeline_entries (owner_key)`);

    await q.query(`
      CREATE TABLE accounts.messages (
        id uuid PRIMARY KEY,
        owner_key text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        category text NOT NULL
          CHECK (category IN ('status', 'notice', 'request-for-action', 'payment', 'reply')),
        source_event_id text UNIQUE,
        submission_id uuid,
        vorgangsnummer text,
        leika_key text,
        tenant text,
        sender_kind text NOT NULL CHECK (sender_kind IN ('authority', 'service', 'citizen')),
        sender_name text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        body_html text,
        subject_en text,
        body_en text,
        status text,
        outcome text,
        authority_ref uuid,
        in_reply_to uuid,
        acted_by_key text,
        -- Millisecond precision: the list cursor travels through JavaScript dates.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        read_at timestamptz,
        deleted_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX messages_owner ON accounts.messages (owner_key, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX messages_unread ON accounts.messages (owner_key) WHERE deleted_at IS NULL AND read_at IS NULL AND direction = 'in'`,
    );
    await q.query(
      `CREATE INDEX messages_deleted ON accounts.messages (deleted_at) WHERE deleted_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX messages_submission ON accounts.messages (submission_id)`);

    await q.query(`
      CREATE TABLE accounts.files (
        id uuid PRIMARY KEY,
        owner_key text NOT NULL,
        message_id uuid REFERENCES accounts.messages (id) ON DELETE CASCADE,
        origin text NOT NULL CHECK (origin IN ('authority', 'upload')),
        position integer NOT NULL DEFAULT 0,
        filename text NOT NULL,
        media_type text NOT NULL,
        size bigint NOT NULL,
        sha512 text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'stored', 'failed')),
        source_url text,
        source_expires_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error text,
        uploaded_by_key text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX files_message ON accounts.files (message_id, position)`);
    await q.query(`CREATE INDEX files_pending ON accounts.files (next_attempt_at) WHERE state = 'pending'`);
    await q.query(
      `CREATE INDEX files_unattached ON accounts.files (created_at) WHERE message_id IS NULL AND origin = 'upload'`,
    );
    await q.query(`CREATE INDEX files_owner ON accounts.files (owner_key)`);

    await q.query(`
      CREATE TABLE accounts.notifications (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('new-message', 'email-confirmation')),
        account_key text NOT NULL,
        message_id uuid UNIQUE,
        payload jsonb,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX notifications_due ON accounts.notifications (next_attempt_at) WHERE state = 'pending'`,
    );
    await q.query(`CREATE INDEX notifications_account ON accounts.notifications (account_key)`);

    await q.query(`
      CREATE TABLE accounts.audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_key text NOT NULL,
        owner_key text NOT NULL,
        action text NOT NULL,
        target text
      )`);
    await q.query(`CREATE INDEX audit_log_owner ON accounts.audit_log (owner_key, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'notifications',
      'files',
      'messages',
      'timeline_entries',
      'pending_events',
      'submissions',
      'mandates',
      'erased_accounts',
      'accounts',
    ]) {
      await q.query(`DROP TABLE IF EXISTS accounts.${table}`);
    }
  }
}
