import { type ListScope, returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In, IsNull, MoreThan } from 'typeorm';
import { AttachmentRecord } from '../attachments/attachments.entity';
import { withoutParameters } from '../common/query-errors';
import { Draft } from './drafts.entity';

@Injectable()
export class DraftsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A draft that has not expired (an expired draft is gone, whether or not the sweep removed it yet). */
  findLive(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<Draft | null> {
    return manager.findOne(Draft, {
      where: { id, expiresAt: MoreThan(new Date()) },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** The owner's live drafts, of the Leistungen in scope only (null: all). */
  listLive(scope: ListScope): Promise<Draft[]> {
    return this.dataSource.manager.find(Draft, {
      where: {
        ownerKey: scope.ownerKey,
        expiresAt: MoreThan(new Date()),
        ...(scope.leikaScope === null ? {} : { leikaKey: In(scope.leikaScope) }),
      },
      order: { updatedAt: 'DESC' },
      take: 200,
    });
  }

  async insert(draft: Omit<Draft, 'createdAt' | 'updatedAt'>): Promise<Draft> {
    await withoutParameters(
      this.dataSource.query(
        `INSERT INTO "intake".drafts (id, tenant, leika_key, owner_key, acted_by_key, access_token_sha256, ars, data, expires_at,
         digital_bescheid_consent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
        [
          draft.id,
          draft.tenant,
          draft.leikaKey,
          draft.ownerKey,
          draft.actedByKey,
          draft.accessTokenSha256,
          draft.ars,
          JSON.stringify(draft.data),
          draft.expiresAt,
          draft.digitalBescheidConsent,
        ],
      ),
    );
    const saved = await this.findLive(draft.id);
    if (!saved) throw new Error('draft vanished after insert');
    return saved;
  }

  async update(
    id: string,
    patch: {
      data: Record<string, unknown>;
      ars: string | null;
      digitalBescheidConsent: boolean | null;
      expiresAt: Date;
    },
  ): Promise<void> {
    await withoutParameters(
      this.dataSource.query(
        `UPDATE "intake".drafts SET data = $2::jsonb, ars = $3, expires_at = $4, digital_bescheid_consent = $5,
           updated_at = now() WHERE id = $1`,
        [id, JSON.stringify(patch.data), patch.ars, patch.expiresAt, patch.digitalBescheidConsent],
      ),
    );
  }

  attachmentsOf(
    draftId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AttachmentRecord[]> {
    return manager.find(AttachmentRecord, {
      where: { draftId, submissionId: IsNull() },
      order: { createdAt: 'ASC' },
    });
  }

  /** Deletes drafts and their (not yet submitted) attachments; returns the storage keys to remove. */
  async deleteWithAttachments(manager: EntityManager, draftIds: string[]): Promise<string[]> {
    if (draftIds.length === 0) return [];
    const rows = returnedRows<{ storage_key: string }>(
      await manager.query(
        `DELETE FROM "intake".attachments WHERE draft_id = ANY($1::uuid[]) AND submission_id IS NULL RETURNING storage_key`,
        [draftIds],
      ),
    );
    await manager.query(`DELETE FROM "intake".drafts WHERE id = ANY($1::uuid[])`, [draftIds]);
    return rows.map((r) => r.storage_key);
  }

  /** Ends every draft of an account at once (the sweep removes them and their files). */
  async expireAllOf(manager: EntityManager, ownerKey: string): Promise<void> {
    await manager.query(
      `UPDATE "intake".drafts SET expires_at = now() - interval '1 second' WHERE owner_key = $1`,
      [ownerKey],
    );
  }

  expiredIds(limit: number): Promise<string[]> {
    return this.dataSource
      .query<Array<{ id: string }>>(
        `SELECT id FROM "intake".drafts WHERE expires_at <= now() ORDER BY expires_at LIMIT $1`,
        [limit],
      )
      .then((rows) => rows.map((r) => r.id));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
