import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** A file of a reply (Bescheid) as described in the database; its bytes are in the file store. */
export interface StoredFile {
  id: string;
  replyId: string;
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
}

/** A file as it is found: where its bytes are, if anywhere still. */
export interface FoundFile {
  file: StoredFile;
  /** Bytes of a file written before the file store (migration 1732600000000); null for every newer one. */
  legacyContent: Buffer | null;
  /** The bytes are in the file store under the file's id. */
  inStore: boolean;
  purged: boolean;
}

interface Row {
  id: string;
  reply_id: string;
  filename: string;
  media_type: string;
  size: number;
  sha512: string;
}

const described = (r: Row): StoredFile => ({
  id: r.id,
  replyId: r.reply_id,
  filename: r.filename,
  mediaType: r.media_type,
  size: r.size,
  sha512: r.sha512,
});

/** Files routing owns: the attachments of replies (Bescheide) a Fachverfahren posted. */
@Injectable()
export class FilesRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  /** Records a file whose bytes the file store holds already. */
  async insert(manager: EntityManager, f: StoredFile): Promise<void> {
    await manager.query(
      `INSERT INTO routing.file (id, reply_id, filename, media_type, size, sha512, in_store)
       VALUES ($1, $2, $3, $4, $5, $6, true)`,
      [f.id, f.replyId, f.filename, f.mediaType, f.size, f.sha512],
    );
  }

  async find(id: string): Promise<FoundFile | undefined> {
    const rows = await this.dataSource.query<
      Array<Row & { content: Buffer | null; in_store: boolean; purged: boolean }>
    >(
      `SELECT id, reply_id, filename, media_type, size, sha512, content, in_store, purged_at IS NOT NULL AS purged
       FROM routing.file WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r
      ? { file: described(r), legacyContent: r.content, inStore: r.in_store, purged: r.purged }
      : undefined;
  }

  async ofReply(replyId: string): Promise<StoredFile[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT id, reply_id, filename, media_type, size, sha512 FROM routing.file WHERE reply_id = $1 ORDER BY created_at, id`,
      [replyId],
    );
    return rows.map(described);
  }

  /** Files created before `before` and not purged yet, at most `limit`; which of them are in the store. */
  async purgeable(before: Date, limit: number): Promise<Array<{ id: string; inStore: boolean }>> {
    const rows = await this.dataSource.query<Array<{ id: string; in_store: boolean }>>(
      `SELECT id, in_store FROM routing.file WHERE purged_at IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => ({ id: r.id, inStore: r.in_store }));
  }

  /** Marks files purged (and empties a legacy row's bytes); how many were not purged yet. */
  async markPurged(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await returning<{ id: string }>(
      this.dataSource,
      `UPDATE routing.file SET content = NULL, purged_at = now() WHERE id = ANY($1::uuid[]) AND purged_at IS NULL RETURNING id`,
      [ids],
    );
    return rows.length;
  }
}
