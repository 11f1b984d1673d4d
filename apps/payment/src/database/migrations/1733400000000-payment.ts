import { createMandateProjectionTable } from '@amtsbote/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Fee schedules, provider configs, the submission projection, transactions, audit log, mandates. */
export class Payment1733400000000 implements MigrationInterface {
  name = 'Payment1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = '"payment"';
    await queryRunner.query(`
      CREATE TABLE ${s}.fee_schedules (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        leika_key text NOT NULL CHECK (leika_key ~ '^99[0-9]{12}$'),
        ars_prefix text CHECK (ars_prefix ~ '^([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{9}|[0-9]{12})$'),
        amount_cents integer NOT NULL CHECK (amount_cents > 0),
        purpose text NOT NULL CHECK (char_length(purpose) BETWEEN 1 AND 27),
        description text NOT NULL CHECK (char_length(description) <= 250),
        booking_data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One fee per tenant, Leistung and region prefix (no prefix = the whole tenant).
    await queryRunner.query(
      `CREATE UNIQUE INDEX fee_schedules_scope ON ${s}.fee_schedules (tenant, leika_key, coalesce(ars_prefix, ''))`,
    );

    await queryRunner.query(`
      CREATE TABLE ${s}.provider_configs (
        tenant text NOT NULL,
        environment text NOT NULL CHECK (environment IN ('test', 'production')),
        kind text NOT NULL CHECK (kind IN ('xbezahldienste', 'pmpayment-classic', 'simulator')),
        base_url text NOT NULL,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        PRIMARY KEY (tenant, environment)
      )`);

    await queryRunner.query(`
      CREATE TABLE ${s}.submissions (
        submission_id uuid PRIMARY KEY,
        tenant text NOT NULL,
        vorgangsnummer text NOT NULL,
        leika_key text NOT NULL,
        ars text NOT NULL,
        owner_key text,
        fee_required boolean NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX submissions_owner ON ${s}.submissions (owner_key)`);

    await queryRunner.query(`
      CREATE TABLE ${s}.transactions (
        id uuid PRIMARY KEY,
        submission_id uuid NOT NULL UNIQUE REFERENCES ${s}.submissions (submission_id),
        tenant text NOT NULL,
        fee_id uuid,
        amount_cents integer NOT NULL CHECK (amount_cents > 0),
        currency text NOT NULL DEFAULT 'EUR' CHECK (currency = 'EUR'),
        purpose text NOT NULL,
        description text NOT NULL,
        item_reference text NOT NULL,
        booking_data jsonb NOT NULL DEFAULT '{}',
        state text NOT NULL CHECK (state IN ('INITIAL', 'PAYED', 'FAILED', 'CANCELED', 'EXPIRED')),
        expires_at timestamptz NOT NULL,
        request_id text NOT NULL,
        callback_token text NOT NULL,
        provider_kind text,
        provider_environment text,
        provider_transaction_id text,
        provider_status_url text,
        provider_redirect_url text,
        provider_reference text,
        portal_return_url text,
        payment_method text,
        payment_method_detail text,
        status_detail text,
        paid_at timestamptz,
        last_checked_at timestamptz,
        check_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX transactions_open ON ${s}.transactions (last_checked_at NULLS FIRST) WHERE state = 'INITIAL'`,
    );

    await queryRunner.query(`
      CREATE TABLE ${s}.audit_log (
        id bigserial PRIMARY KEY,
        tenant text NOT NULL,
        actor_key text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_tenant ON ${s}.audit_log (tenant, at DESC)`);

    await createMandateProjectionTable(queryRunner, 'payment');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = '"payment"';
    for (const table of ['mandates', 'audit_log', 'transactions', 'submissions', 'provider_configs']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.fee_schedules`);
  }
}
