import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { LIGHT, type Row, toMessage } from '../messages/message-rows';
import type { MessageRecord } from '../messages/messages.types';

/** Periodic duties on messages: unfetched pull messages alerted and expired, finished ones purged. */
@Injectable()
export class MaintenanceRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Pull messages waiting longer than `olderThan` without an alert: marks them alerted and returns them. */
  async takeUnfetchedForAlert(manager: EntityManager, olderThan: Date): Promise<MessageRecord[]> {
    const rows = await returning<Row>(
      manager,
      `UPDATE routing.message SET not_fetched_alert_at = now()
       WHERE state = 'AVAILABLE' AND not_fetched_alert_at IS NULL AND available_at < $1
       RETURNING ${LIGHT}`,
      [olderThan],
    );
    return rows.map(toMessage);
  }

  /** Pull messages not accepted for too long: EXPIRED, returned. */
  async expireUnfetched(manager: EntityManager, olderThan: Date): Promise<MessageRecord[]> {
    const rows = await returning<Row>(
      manager,
      `UPDATE routing.message SET state = 'EXPIRED' WHERE state = 'AVAILABLE' AND available_at < $1 RETURNING ${LIGHT}`,
      [olderThan],
    );
    return rows.map(toMessage);
  }

  /** Drops form data and file contents of messages finished before `before`. */
  async purge(before: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await returning<{ id: string }>(
        manager,
        `UPDATE routing.message SET input = NULL, payload = NULL, metadata = NULL, purged_at = now()
         WHERE purged_at IS NULL AND state IN ('DELIVERED', 'REJECTED', 'EXPIRED', 'ABANDONED')
           AND coalesce(delivered_at, rejected_at, dead_at, available_at, created_at) < $1
         RETURNING id`,
        [before],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await manager.query(
          `UPDATE routing.message_attachment SET content = NULL WHERE message_id = ANY($1::uuid[])`,
          [ids],
        );
      }
      return ids.length;
    });
  }
}
