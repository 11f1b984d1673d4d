import type { QueryRunner } from 'typeorm';

/**
 * DDL for the outbox and inbox tables, shared by every app's first migration so the four schemas agree.
 * `schema` is the app's own PostgreSQL schema.
 */
export async function createMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = `"${schema}"`;
  await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await queryRunner.query(`
    CREATE TABLE ${s}.outbox (
      id uuid PRIMARY KEY,
      seq bigserial NOT NULL,
      topic text NOT NULL,
      key text NOT NULL,
      type text NOT NULL,
      source text NOT NULL,
      subject text NOT NULL,
      tenant text,
      traceparent text,
      data jsonb NOT NULL,
      time timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await queryRunner.query(`CREATE INDEX outbox_seq ON ${s}.outbox (seq)`);
  await queryRunner.query(`
    CREATE TABLE ${s}.inbox (
      consumer_group text NOT NULL,
      event_id text NOT NULL,
      event_type text NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer_group, event_id)
    )`);
  await queryRunner.query(`CREATE INDEX inbox_handled_at ON ${s}.inbox (handled_at)`);
  await queryRunner.query(`
    CREATE TABLE ${s}.diagnostics_echo (
      echo_id uuid NOT NULL,
      service text NOT NULL,
      direction text NOT NULL CHECK (direction IN ('sent', 'received')),
      message text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (echo_id, service, direction)
    )`);
}

export async function dropMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS "${schema}".diagnostics_echo`);
  await queryRunner.query(`DROP TABLE IF EXISTS "${schema}".inbox`);
  await queryRunner.query(`DROP TABLE IF EXISTS "${schema}".outbox`);
}
