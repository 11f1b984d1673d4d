import { returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What the Postkorb's maintenance deletes: messages deleted long ago, uploads never sent. */
@Injectable()
export class PostkorbPurgeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Deletes messages soft-deleted more than `days` ago; returns the ids of their files. */
  async purgeDeleted(days: number): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const files = await manager.query<Array<{ id: string }>>(
        `SELECT f.id FROM accounts.files f JOIN accounts.messages m ON m.id = f.message_id
         WHERE m.deleted_at < now() - make_interval(days => $1)`,
        [days],
      );
      await manager.query(
        `DELETE FROM accounts.notifications WHERE message_id IN
           (SELECT id FROM accounts.messages WHERE deleted_at < now() - make_interval(days => $1))`,
        [days],
      );
      await manager.query(
        `DELETE FROM accounts.messages WHERE deleted_at < now() - make_interval(days => $1)`,
        [days],
      );
      return files.map((f) => f.id);
    });
  }

  /** Deletes uploads never attached to a reply; returns their ids. */
  async purgeUnattachedUploads(hours: number): Promise<string[]> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM accounts.files WHERE origin = 'upload' AND message_id IS NULL
         AND created_at < now() - make_interval(hours => $1) RETURNING id`,
      [hours],
    );
    return returnedRows<{ id: string }>(result).map((r) => r.id);
  }
}
