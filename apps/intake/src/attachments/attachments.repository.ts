import { returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, IsNull } from 'typeorm';
import { Draft } from '../drafts/drafts.entity';
import { AttachmentRecord } from './attachments.entity';

@Injectable()
export class AttachmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(id: string): Promise<AttachmentRecord | null> {
    return this.dataSource.manager.findOne(AttachmentRecord, { where: { id } });
  }

  /** An unsubmitted attachment of a draft. */
  findInDraft(draftId: string, id: string): Promise<AttachmentRecord | null> {
    return this.dataSource.manager.findOne(AttachmentRecord, {
      where: { id, draftId, submissionId: IsNull() },
    });
  }

  findInSubmission(submissionId: string, id: string): Promise<AttachmentRecord | null> {
    return this.dataSource.manager.findOne(AttachmentRecord, { where: { id, submissionId } });
  }

  /**
   * Locks the draft (so parallel uploads are counted one after the other), lets `check` look at the draft's
   * attachments, and inserts the new one if `check` does not throw.
   */
  async insertChecked(
    record: Omit<AttachmentRecord, 'createdAt' | 'purgedAt'>,
    check: (existing: AttachmentRecord[], draftAlive: boolean) => void,
  ): Promise<AttachmentRecord> {
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const draft = await manager.findOne(Draft, {
        where: { id: record.draftId! },
        lock: { mode: 'pessimistic_write' },
      });
      const existing = await manager.find(AttachmentRecord, {
        where: { draftId: record.draftId!, submissionId: IsNull() },
      });
      check(existing, draft !== null && draft.expiresAt > new Date());
      await manager.insert(AttachmentRecord, record);
      const saved = await manager.findOne(AttachmentRecord, { where: { id: record.id } });
      if (!saved) throw new Error('attachment vanished after insert');
      return saved;
    });
  }

  /** Deletes an unsubmitted attachment; returns its storage key if it was there. */
  async deleteFromDraft(draftId: string, id: string): Promise<string | undefined> {
    const rows = returnedRows<{ storage_key: string }>(
      await this.dataSource.query(
        `DELETE FROM "intake".attachments WHERE id = $1 AND draft_id = $2 AND submission_id IS NULL RETURNING storage_key`,
        [id, draftId],
      ),
    );
    return rows[0]?.storage_key;
  }
}
