import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, LessThanOrEqual } from 'typeorm';
import { DATABASE_SCHEMA } from '../service';
import { SubmissionEntity, TransactionEntity, type TransactionState } from './payments.entity';

/** Session-level advisory lock key: one replica reconciles at a time. */
const RECONCILE_LOCK = 'amtsbote.payment.reconcile';

export type ProviderSession = Pick<
  TransactionEntity,
  | 'providerKind'
  | 'providerEnvironment'
  | 'providerTransactionId'
  | 'providerStatusUrl'
  | 'providerRedirectUrl'
  | 'providerReference'
  | 'portalReturnUrl'
>;

export type Outcome = Pick<
  TransactionEntity,
  'paymentMethod' | 'paymentMethodDetail' | 'statusDetail' | 'paidAt' | 'providerReference'
>;

@Injectable()
export class PaymentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** false when the submission is known already (a replayed event under another id). */
  async insertSubmission(manager: EntityManager, s: Omit<SubmissionEntity, 'receivedAt'>): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO "${DATABASE_SCHEMA}".submissions
         (submission_id, tenant, vorgangsnummer, leika_key, ars, owner_key, fee_required)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (submission_id) DO NOTHING
       RETURNING submission_id`,
      [s.submissionId, s.tenant, s.vorgangsnummer, s.leikaKey, s.ars, s.ownerKey, s.feeRequired],
    );
    return rows.length > 0;
  }

  async insertTransaction(manager: EntityManager, t: TransactionEntity): Promise<void> {
    await manager.insert(TransactionEntity, t);
  }

  findSubmission(submissionId: string): Promise<SubmissionEntity | null> {
    return this.dataSource.manager.findOne(SubmissionEntity, { where: { submissionId } });
  }

  findBySubmission(submissionId: string): Promise<TransactionEntity | null> {
    return this.dataSource.manager.findOne(TransactionEntity, { where: { submissionId } });
  }

  find(id: string, manager: EntityManager = this.dataSource.manager): Promise<TransactionEntity | null> {
    return manager.findOne(TransactionEntity, { where: { id } });
  }

  /** Serialises payment starts of one submission (concurrent portal requests create one provider session). */
  lockBySubmission(manager: EntityManager, submissionId: string): Promise<TransactionEntity | null> {
    return manager.findOne(TransactionEntity, {
      where: { submissionId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async saveSession(manager: EntityManager, id: string, session: ProviderSession): Promise<void> {
    await manager.update(TransactionEntity, { id, state: 'INITIAL' }, { ...session, updatedAt: new Date() });
  }

  /** After an attempt whose outcome at the provider is unknown, the next attempt uses a new requestId. */
  async rotateRequestId(manager: EntityManager, id: string, requestId: string): Promise<void> {
    await manager.update(TransactionEntity, { id, state: 'INITIAL' }, { requestId, updatedAt: new Date() });
  }

  /**
   * Leaves INITIAL for a final state. Returns the updated transaction only for the caller that made the
   * change, so the event is written exactly once however many checks race.
   */
  async finish(
    manager: EntityManager,
    id: string,
    state: Exclude<TransactionState, 'INITIAL'>,
    outcome: Partial<Outcome>,
    onlyIfExpiredAt?: Date,
  ): Promise<TransactionEntity | undefined> {
    const now = new Date();
    const where = onlyIfExpiredAt
      ? { id, state: 'INITIAL' as const, expiresAt: LessThanOrEqual(onlyIfExpiredAt) }
      : { id, state: 'INITIAL' as const };
    const r = await manager.update(TransactionEntity, where, {
      ...outcome,
      state,
      finishedAt: now,
      updatedAt: now,
    });
    if ((r.affected ?? 0) === 0) return undefined;
    return (await this.find(id, manager)) ?? undefined;
  }

  async markChecked(id: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(TransactionEntity)
      .set({ lastCheckedAt: () => 'now()', checkCount: () => 'check_count + 1' })
      .where('id = :id', { id })
      .execute();
  }

  /** Open transactions, the longest unchecked first. */
  async dueForReconciliation(limit: number): Promise<string[]> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(TransactionEntity, 't')
      .select('t.id', 'id')
      .where('t.state = :state', { state: 'INITIAL' })
      .orderBy('t.last_checked_at', 'ASC', 'NULLS FIRST')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /** Runs `work` only if no other replica is reconciling right now; undefined when skipped. */
  async withReconcileLock<T>(work: () => Promise<T>): Promise<T | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [
        RECONCILE_LOCK,
      ])) as Array<{ locked: boolean }>;
      if (!row?.locked) return undefined;
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [RECONCILE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
