import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface StoredFile {
  id: string;
  replyId: string;
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
  content: Buffer | null;
}

/** Files routing owns: the attachments of replies (Bescheide) a Fachverfahren posted. */
@Injectable()
export class FilesRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, f: StoredFile): Promise<void> {
    await manager.query(
      `INSERT INTO routing.file (id, reply_id, filename, media_type, size, sha512, content) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [f.id, f.replyId, f.filename, f.mediaType, f.size, f.sha512, f.content],
    );
  }

  async find(id: string): Promise<StoredFile | undefined> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        reply_id: string;
        filename: string;
        media_type: string;
        size: number;
        sha512: string;
        content: Buffer | null;
      }>
    >(`SELECT id, reply_id, filename, media_type, size, sha512, content FROM routing.file WHERE id = $1`, [
      id,
    ]);
    const r = rows[0];
    return r
      ? {
          id: r.id,
          replyId: r.reply_id,
          filename: r.filename,
          mediaType: r.media_type,
          size: r.size,
          sha512: r.sha512,
          content: r.content,
        }
      : undefined;
  }

  async ofReply(replyId: string): Promise<StoredFile[]> {
    const rows = await this.dataSource.query<
      Array<{
        id: string;
        reply_id: string;
        filename: string;
        media_type: string;
        size: number;
        sha512: string;
      }>
    >(
      `SELECT id, reply_id, filename, media_type, size, sha512 FROM routing.file WHERE reply_id = $1 ORDER BY created_at, id`,
      [replyId],
    );
    return rows.map((r) => ({
      id: r.id,
      replyId: r.reply_id,
      filename: r.filename,
      mediaType: r.media_type,
      size: r.size,
      sha512: r.sha512,
      content: null,
    }));
  }

  async purge(before: Date): Promise<number> {
    const rows = await returning<{ id: string }>(
      this.dataSource,
      `UPDATE routing.file SET content = NULL, purged_at = now() WHERE purged_at IS NULL AND created_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }
}
