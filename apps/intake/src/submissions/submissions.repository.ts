import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AttachmentRecord } from '../attachments/attachments.entity';
import type { SubmissionStatus } from './state-machine';
import {
  IdempotencyRecord,
  type PaymentInformation,
  type Receipt,
  type StatusReason,
  Submission,
  SubmissionStatusEntry,
} from './submissions.entity';

const S = '"intake"';

export interface NewSubmission {
  id: string;
  tenant: string;
  leikaKey: string;
  leistungName: string;
  vorgangsnummer: string;
  ars: string;
  ownerKey: string | null;
  actedByKey: string | null;
  applicantKind: 'person' | 'organisation' | 'anonymous';
  trustLevel: number;
  schemaId: string;
  schemaVersion: string;
  data: Record<string, unknown>;
  dataSha512: string;
  receipt: Receipt;
  receiptTokenSha256: string | null;
  submittedAt: Date;
}

/** The only place with the SQL of submissions, their timeline, idempotency keys and the counters. */
@Injectable()
export class SubmissionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findIdempotent(scope: string, key: string): Promise<IdempotencyRecord | null> {
    return this.dataSource.manager.findOne(IdempotencyRecord, { where: { scope, key } });
  }

  /**
   * Claims the key for this request inside the submission's transaction. A concurrent transaction holding
   * the same key makes this wait until it ends; returns false if it committed (the caller then replays).
   */
  async claimIdempotencyKey(
    manager: EntityManager,
    r: { scope: string; key: string; requestSha256: string; status: number; body: unknown },
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${S}.idempotency_keys (scope, key, request_sha256, response_status, response_body)
       VALUES ($1, $2, $3, $4, $5::json) ON CONFLICT (scope, key) DO NOTHING RETURNING 1`,
      [r.scope, r.key, r.requestSha256, r.status, JSON.stringify(r.body)],
    );
    return rows.length === 1;
  }

  /**
   * The next number of the tenant's year. Its own tiny transaction, committed asynchronously: the row lock
   * lasts microseconds, and the submission's own (synchronous) commit later flushes this increment with it,
   * so a number used by a durable submission is never handed out twice. A failed submission leaves a gap.
   */
  async nextNumber(tenant: string, year: number): Promise<number> {
    const qr = this.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query('SET LOCAL synchronous_commit TO off');
      const rows = (await qr.query(
        `INSERT INTO ${S}.vorgangsnummer_counters (tenant, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (tenant, year) DO UPDATE SET last = vorgangsnummer_counters.last + 1 RETURNING last`,
        [tenant, year],
      )) as Array<{ last: string }>;
      await qr.commitTransaction();
      return Number(rows[0].last);
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }

  /** Attachments that may be referenced: unsubmitted, not purged, of this Leistung, of `owner` or `draftId`. */
  usableAttachments(
    ids: string[],
    o: { tenant: string; leikaKey: string; ownerKey: string | null; draftId?: string },
  ): Promise<AttachmentRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const q = this.dataSource.manager
      .createQueryBuilder(AttachmentRecord, 'a')
      .where('a.id IN (:...ids)', { ids })
      .andWhere('a.submission_id IS NULL AND a.purged_at IS NULL')
      .andWhere('a.tenant = :tenant AND a.leika_key = :leikaKey', { tenant: o.tenant, leikaKey: o.leikaKey });
    if (o.ownerKey !== null) q.andWhere('a.owner_key = :owner', { owner: o.ownerKey });
    else if (o.draftId !== undefined)
      q.andWhere('a.owner_key IS NULL AND a.draft_id = :draftId', { draftId: o.draftId });
    else return Promise.resolve([]);
    return q.getMany();
  }

  /** Locks the attachments for binding; returns how many are still unbound. */
  async lockUnbound(manager: EntityManager, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await manager.query<unknown[]>(
      `SELECT id FROM ${S}.attachments WHERE id = ANY($1::uuid[]) AND submission_id IS NULL AND purged_at IS NULL FOR UPDATE`,
      [ids],
    );
    return rows.length;
  }

  async insert(manager: EntityManager, s: NewSubmission): Promise<void> {
    await manager.query(
      `INSERT INTO ${S}.submissions (id, tenant, leika_key, leistung_name, vorgangsnummer, ars, owner_key, acted_by_key,
         applicant_kind, trust_level, schema_id, schema_version, data, data_sha512, receipt, receipt_token_sha256,
         status, status_changed_at, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16, 'SUBMITTED', $17, $17)`,
      [
        s.id,
        s.tenant,
        s.leikaKey,
        s.leistungName,
        s.vorgangsnummer,
        s.ars,
        s.ownerKey,
        s.actedByKey,
        s.applicantKind,
        s.trustLevel,
        s.schemaId,
        s.schemaVersion,
        JSON.stringify(s.data),
        s.dataSha512,
        JSON.stringify(s.receipt),
        s.receiptTokenSha256,
        s.submittedAt,
      ],
    );
    await manager.query(
      `INSERT INTO ${S}.submission_status_history (submission_id, status, previous_status, at) VALUES ($1, 'SUBMITTED', NULL, $2)`,
      [s.id, s.submittedAt],
    );
  }

  async bindAttachments(manager: EntityManager, submissionId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE ${S}.attachments SET submission_id = $1, draft_id = NULL WHERE id = ANY($2::uuid[])`,
      [submissionId, ids],
    );
  }

  find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<Submission | null> {
    return manager.findOne(Submission, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  listOwned(ownerKeys: string[], limit: number): Promise<Submission[]> {
    return this.dataSource.manager
      .createQueryBuilder(Submission, 's')
      .where('s.owner_key IN (:...owners)', { owners: ownerKeys })
      .orderBy('s.submitted_at', 'DESC')
      .limit(limit)
      .getMany();
  }

  timeline(submissionId: string): Promise<SubmissionStatusEntry[]> {
    return this.dataSource.manager.find(SubmissionStatusEntry, {
      where: { submissionId },
      order: { id: 'ASC' },
    });
  }

  attachmentsOf(
    submissionId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AttachmentRecord[]> {
    return manager.find(AttachmentRecord, { where: { submissionId }, order: { createdAt: 'ASC' } });
  }

  async changeStatus(
    manager: EntityManager,
    c: {
      id: string;
      from: SubmissionStatus;
      to: SubmissionStatus;
      at: Date;
      reason?: StatusReason;
      confirmsReceipt: boolean;
      ends: boolean;
      payment?: PaymentInformation;
    },
  ): Promise<void> {
    await manager.query(
      `UPDATE ${S}.submissions SET status = $2, status_changed_at = $3,
         receipt_confirmed_at = CASE WHEN $4::boolean THEN COALESCE(receipt_confirmed_at, $3) ELSE receipt_confirmed_at END,
         ended_at = CASE WHEN $5::boolean THEN $3 ELSE ended_at END,
         payment = COALESCE($6::jsonb, payment)
       WHERE id = $1`,
      [
        c.id,
        c.to,
        c.at,
        c.confirmsReceipt,
        c.ends,
        c.payment === undefined ? null : JSON.stringify(c.payment),
      ],
    );
    await manager.query(
      `INSERT INTO ${S}.submission_status_history (submission_id, status, previous_status, at, reason)
       VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [c.id, c.to, c.from, c.at, c.reason === undefined ? null : JSON.stringify(c.reason)],
    );
  }
}
