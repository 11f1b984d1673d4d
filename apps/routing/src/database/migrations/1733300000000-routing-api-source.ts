import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's choice to take the Zuständigkeit of some Leistungen from FIT-Connect's Routing API, and the
 * FIT-Connect sender client (the secret only by reference) the Zustellpunkte found there are delivered with.
 */
export class RoutingApiSource1733300000000 implements MigrationInterface {
  name = 'RoutingApiSource1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE routing.routing_api_setting (
        tenant text PRIMARY KEY,
        leika_keys text[] NOT NULL DEFAULT '{}',
        sender jsonb,
        alert_contact text,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE routing.routing_api_setting`);
  }
}
