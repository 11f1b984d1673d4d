import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** Dead letters: back into delivery, or given up. */
@Injectable()
export class DeadLettersRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Back into delivery: a dead letter whose message was built is sent (or offered) again unchanged, one that
   * never was built is rebuilt. The attempt count and age start afresh; the message id stays. `pullChannels`:
   * the channels whose messages wait in the mailbox instead of being sent.
   */
  async redeliver(manager: EntityManager, ids: string[], pullChannels: string[]): Promise<string[]> {
    const rows = await returning<{ id: string }>(
      manager,
      `UPDATE routing.message SET
         state = CASE WHEN payload IS NULL THEN 'BUILDING' WHEN channel = ANY($2::text[]) THEN 'AVAILABLE' ELSE 'SENDING' END,
         due_at = CASE WHEN payload IS NOT NULL AND channel = ANY($2::text[]) THEN NULL ELSE now() END,
         available_at = CASE WHEN payload IS NOT NULL AND channel = ANY($2::text[]) THEN now() ELSE available_at END,
         attempts = 0, cycle_started_at = now(), dead_reason = NULL, dead_at = NULL, last_error = NULL
       WHERE id = ANY($1::uuid[]) AND state = 'DEAD' AND purged_at IS NULL RETURNING id`,
      [ids, pullChannels],
    );
    return rows.map((r) => r.id);
  }

  async deadIds(destinationId: string): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM routing.message WHERE destination_id = $1 AND state = 'DEAD' ORDER BY dead_at`,
      [destinationId],
    );
    return rows.map((r) => r.id);
  }

  async markAbandoned(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await returning<unknown>(
      manager,
      `UPDATE routing.message SET state = 'ABANDONED', due_at = NULL WHERE id = $1 AND state = 'DEAD' RETURNING id`,
      [id],
    );
    return rows.length === 1;
  }
}
