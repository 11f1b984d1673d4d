import { returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Cursor } from '../common/cursor';
import type { PostkorbAccess } from '../representation/representation.service';
import {
  type FileRecord,
  type FileRow,
  type MessageFilter,
  type MessageRecord,
  type MessageRow,
  type NewFile,
  type NewMessage,
  toFile,
  toMessage,
} from './postkorb.records';

const MESSAGE_COLUMNS = `m.id, m.owner_key, m.direction, m.category, m.source_event_id, m.submission_id, m.vorgangsnummer,
  m.leika_key, m.tenant, m.sender_kind, m.sender_name, m.subject, m.body, m.body_html, m.subject_en, m.body_en,
  m.status, m.outcome, m.authority_ref, m.in_reply_to, m.acted_by_key, m.created_at, m.read_at,
  (SELECT count(*) FROM accounts.files f WHERE f.message_id = m.id) AS attachment_count`;

/** Owner and, for a representative with a scoped mandate, only the Leistungen of the mandate. */
const VISIBLE = `m.owner_key = $1 AND m.deleted_at IS NULL AND ($2::text[] IS NULL OR m.leika_key = ANY($2::text[]))`;

/**
 * The Postkorb's messages and their files as the citizen, replies and the projection use them; the file
 * fetches (FileFetchesRepository) and the purge (PostkorbPurgeRepository) have their own repositories.
 */
@Injectable()
export class PostkorbRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // ---- messages --------------------------------------------------------------------------------------------

  async list(
    access: PostkorbAccess,
    filter: MessageFilter,
    cursor: Cursor | undefined,
    limit: number,
  ): Promise<MessageRecord[]> {
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM accounts.messages m
       WHERE ${VISIBLE}
         AND ($3::boolean IS NULL
              OR ($3 AND m.read_at IS NULL AND m.direction = 'in')
              OR (NOT $3 AND (m.read_at IS NOT NULL OR m.direction = 'out')))
         AND ($4::text IS NULL OR m.category = $4)
         AND ($5::uuid IS NULL OR m.submission_id = $5)
         AND ($6::timestamptz IS NULL OR (m.created_at, m.id) < ($6::timestamptz, $7::uuid))
       ORDER BY m.created_at DESC, m.id DESC
       LIMIT $8`,
      [
        access.ownerKey,
        access.leikaScope,
        filter.unread ?? null,
        filter.category ?? null,
        filter.submissionId ?? null,
        cursor?.createdAt ?? null,
        cursor?.id ?? null,
        limit,
      ],
    );
    return rows.map(toMessage);
  }

  async find(
    access: PostkorbAccess,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<MessageRecord | undefined> {
    const rows = await manager.query<MessageRow[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM accounts.messages m WHERE ${VISIBLE} AND m.id = $3`,
      [access.ownerKey, access.leikaScope, id],
    );
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  async unreadCount(access: PostkorbAccess): Promise<number> {
    const rows = await this.dataSource.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM accounts.messages m
       WHERE ${VISIBLE} AND m.read_at IS NULL AND m.direction = 'in'`,
      [access.ownerKey, access.leikaScope],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Sets read-at if unset; true when this call marked it. */
  async markRead(manager: EntityManager, id: string): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE accounts.messages SET read_at = now() WHERE id = $1 AND read_at IS NULL RETURNING id`,
      [id],
    );
    return returnedRows(result).length > 0;
  }

  async markUnread(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE accounts.messages SET read_at = NULL WHERE id = $1 AND direction = 'in'`, [
      id,
    ]);
  }

  async softDelete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE accounts.messages SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
  }

  /** Inserts unless a message for the same source event exists; true when inserted. */
  async insert(manager: EntityManager, m: NewMessage): Promise<boolean> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO accounts.messages (id, owner_key, direction, category, source_event_id, submission_id,
         vorgangsnummer, leika_key, tenant, sender_kind, sender_name, subject, body, body_html, subject_en, body_en,
         status, outcome, authority_ref, in_reply_to, acted_by_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
       ON CONFLICT (source_event_id) DO NOTHING RETURNING id`,
      [
        m.id,
        m.ownerKey,
        m.direction,
        m.category,
        m.sourceEventId,
        m.submissionId,
        m.vorgangsnummer,
        m.leikaKey,
        m.tenant,
        m.senderKind,
        m.senderName,
        m.subject,
        m.body,
        m.bodyHtml,
        m.subjectEn,
        m.bodyEn,
        m.status,
        m.outcome,
        m.authorityRef,
        m.inReplyTo,
        m.actedByKey,
      ],
    );
    return rows.length > 0;
  }

  // ---- files -----------------------------------------------------------------------------------------------

  async insertFiles(manager: EntityManager, files: readonly NewFile[]): Promise<void> {
    for (const f of files) {
      await manager.query(
        `INSERT INTO accounts.files (id, owner_key, message_id, origin, position, filename, media_type, size, sha512,
           state, source_url, source_expires_at, next_attempt_at, uploaded_by_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $10 = 'pending' THEN now() END, $13)`,
        [
          f.id,
          f.ownerKey,
          f.messageId,
          f.origin,
          f.position,
          f.filename,
          f.mediaType,
          f.size,
          f.sha512,
          f.state,
          f.sourceUrl ?? null,
          f.sourceExpiresAt ?? null,
          f.uploadedByKey ?? null,
        ],
      );
    }
  }

  async filesOf(messageIds: readonly string[]): Promise<FileRecord[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.dataSource.query<FileRow[]>(
      `SELECT * FROM accounts.files WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position`,
      [messageIds],
    );
    return rows.map(toFile);
  }

  async fileOfMessage(messageId: string, fileId: string): Promise<FileRecord | undefined> {
    const rows = await this.dataSource.query<FileRow[]>(
      `SELECT * FROM accounts.files WHERE message_id = $1 AND id = $2`,
      [messageId, fileId],
    );
    return rows[0] ? toFile(rows[0]) : undefined;
  }

  /** A reply's attachment as routing fetches it through a signed URL. */
  async sentUpload(fileId: string): Promise<FileRecord | undefined> {
    const rows = await this.dataSource.query<FileRow[]>(
      `SELECT f.* FROM accounts.files f JOIN accounts.messages m ON m.id = f.message_id
       WHERE f.id = $1 AND f.origin = 'upload' AND f.state = 'stored' AND m.direction = 'out'`,
      [fileId],
    );
    return rows[0] ? toFile(rows[0]) : undefined;
  }

  /** The owner's unattached uploads among `ids`, locked for attaching. */
  async lockUploads(manager: EntityManager, ownerKey: string, ids: readonly string[]): Promise<FileRecord[]> {
    const rows = await manager.query<FileRow[]>(
      `SELECT * FROM accounts.files
       WHERE id = ANY($2::uuid[]) AND owner_key = $1 AND origin = 'upload' AND message_id IS NULL AND state = 'stored'
       FOR UPDATE`,
      [ownerKey, ids],
    );
    return rows.map(toFile);
  }

  async attachUploads(manager: EntityManager, messageId: string, ids: readonly string[]): Promise<void> {
    for (const [position, id] of ids.entries()) {
      await manager.query(`UPDATE accounts.files SET message_id = $1, position = $3 WHERE id = $2`, [
        messageId,
        id,
        position,
      ]);
    }
  }

  // ---- erasure ---------------------------------------------------------------------------------------------

  /** Erasure: the owner's whole Postkorb (messages, files, notifications); returns the file ids. */
  async eraseOwner(manager: EntityManager, ownerKey: string): Promise<string[]> {
    const files = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM accounts.files WHERE owner_key = $1`,
      [ownerKey],
    );
    await manager.query(`DELETE FROM accounts.files WHERE owner_key = $1`, [ownerKey]);
    await manager.query(`DELETE FROM accounts.messages WHERE owner_key = $1`, [ownerKey]);
    await manager.query(`DELETE FROM accounts.notifications WHERE account_key = $1`, [ownerKey]);
    return files.map((f) => f.id);
  }
}
