import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels and formats are plug-ins (`channels/`, `formats/`): the destination keeps their names as text
 * and the registries validate them, so the CHECK lists of channel and format names (and http-push's
 * endpoint rule) go. Adds what a channel may keep: per destination its own settings (`channel_settings`,
 * secrets only by reference), per message its own state (`channel_state`, e.g. a remote submission id, so
 * a redelivery does not create a second one).
 */
export class ChannelPlugins1732500000000 implements MigrationInterface {
  name = 'ChannelPlugins1732500000000';

  async up(q: QueryRunner): Promise<void> {
    const checks = (await q.query(
      `SELECT conname FROM pg_constraint
       WHERE conrelid = 'routing.destination'::regclass AND contype = 'c'
         AND (pg_get_constraintdef(oid) LIKE '%channel%' OR pg_get_constraintdef(oid) LIKE '%format%')`,
    )) as Array<{ conname: string }>;
    for (const c of checks) await q.query(`ALTER TABLE routing.destination DROP CONSTRAINT "${c.conname}"`);
    await q.query(
      `ALTER TABLE routing.destination ADD COLUMN channel_settings jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
    await q.query(`ALTER TABLE routing.message ADD COLUMN channel_state jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.message DROP COLUMN channel_state`);
    await q.query(`ALTER TABLE routing.destination DROP COLUMN channel_settings`);
    await q.query(
      `ALTER TABLE routing.destination ADD CONSTRAINT destination_channel_check CHECK (channel IN ('http-push', 'pull'))`,
    );
    await q.query(
      `ALTER TABLE routing.destination ADD CONSTRAINT destination_format_check
         CHECK (format IN ('xdomea-3.0', 'fim-xml', 'fit-connect-json'))`,
    );
    await q.query(
      `ALTER TABLE routing.destination ADD CONSTRAINT destination_check
         CHECK (channel <> 'http-push' OR endpoint_url IS NOT NULL)`,
    );
  }
}
