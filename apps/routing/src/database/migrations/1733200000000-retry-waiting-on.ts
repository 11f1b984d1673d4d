import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a message's retry waits for (`waiting_on`): the destination (`destination:<id>`) or the origin of its
 * attachments (`source:<origin>`). When that dependency answers again, its waiting retries are made due at
 * once instead of each at the end of its own backoff, so a backlog left by an outage drains at full speed.
 * Set when a retry is scheduled, cleared when the message is claimed.
 */
export class RetryWaitingOn1733200000000 implements MigrationInterface {
  name = 'RetryWaitingOn1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE routing.message ADD COLUMN waiting_on text`);
    await q.query(
      `CREATE INDEX message_waiting_on ON routing.message (waiting_on) WHERE waiting_on IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX routing.message_waiting_on`);
    await q.query(`ALTER TABLE routing.message DROP COLUMN waiting_on`);
  }
}
