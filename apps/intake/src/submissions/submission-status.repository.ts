import type { EventContract } from '@amtsbote/contracts';
import { type EventDraft, OutboxWriter } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { AttachmentRecord } from '../attachments/attachments.entity';
import type { SubmissionStatus } from './state-machine';
import { type PaymentInformation, type StatusReason, Submission } from './submissions.entity';

const S = '"intake"';

/** Where a submission stands after a batch of transitions: the last status, and what the batch added. */
export interface StatusChange {
  id: string;
  status: SubmissionStatus;
  at: Date;
  /** The first transition of the batch that confirms receipt (kept if receipt was confirmed before). */
  confirmedAt: Date | null;
  /** When a terminal status was reached. */
  endedAt: Date | null;
  payment: PaymentInformation | null;
}

export interface HistoryEntry {
  submissionId: string;
  status: SubmissionStatus;
  previousStatus: SubmissionStatus;
  at: Date;
  reason?: StatusReason;
}

/** The state machine's view of submissions: read them locked, record transitions with their events. */
@Injectable()
export class SubmissionStatusRepository {
  constructor(private readonly outbox: OutboxWriter) {}

  /**
   * The submissions, locked until the transaction ends; in id order, so two transactions locking
   * overlapping sets cannot deadlock.
   */
  async lockAll(manager: EntityManager, ids: readonly string[]): Promise<Map<string, Submission>> {
    const rows = await manager.find(Submission, {
      where: { id: In([...ids]) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    return new Map(rows.map((s) => [s.id, s]));
  }

  /** The attachments of these submissions, in upload order. */
  async attachmentsOf(
    manager: EntityManager,
    submissionIds: readonly string[],
  ): Promise<Map<string, AttachmentRecord[]>> {
    const out = new Map<string, AttachmentRecord[]>();
    if (submissionIds.length === 0) return out;
    const rows = await manager.find(AttachmentRecord, {
      where: { submissionId: In([...submissionIds]) },
      order: { createdAt: 'ASC' },
    });
    for (const a of rows) out.set(a.submissionId!, [...(out.get(a.submissionId!) ?? []), a]);
    return out;
  }

  /**
   * The new state of each changed submission, its history entries and `events` (often none), in one
   * statement (one round trip, atomic with the caller's transaction).
   */
  async record(
    manager: EntityManager,
    changes: readonly StatusChange[],
    history: readonly HistoryEntry[],
    events: Array<EventDraft<EventContract>>,
  ): Promise<void> {
    if (changes.length === 0) return;
    const outbox = this.outbox;
    const prepared = outbox.prepare(events);
    await manager.query(
      `WITH changed AS (
         UPDATE ${S}.submissions s SET status = c.status, status_changed_at = c.at,
           receipt_confirmed_at = COALESCE(s.receipt_confirmed_at, c.confirmed_at),
           ended_at = COALESCE(c.ended_at, s.ended_at),
           payment = COALESCE(c.payment, s.payment)
         FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, status text, at timestamptz, confirmed_at timestamptz,
           ended_at timestamptz, payment jsonb)
         WHERE s.id = c.id RETURNING s.id
       ), history AS (
         INSERT INTO ${S}.submission_status_history (submission_id, status, previous_status, at, reason)
         SELECT h.submission_id, h.status, h.previous_status, h.at, h.reason
         FROM jsonb_to_recordset($2::jsonb) AS h(submission_id uuid, status text, previous_status text,
           at timestamptz, reason jsonb)
       ), events AS (${outbox.insertSql(3, 4)})
       SELECT count(*) FROM changed`,
      [
        JSON.stringify(
          changes.map((c) => ({
            id: c.id,
            status: c.status,
            at: c.at.toISOString(),
            confirmed_at: c.confirmedAt?.toISOString() ?? null,
            ended_at: c.endedAt?.toISOString() ?? null,
            payment: c.payment,
          })),
        ),
        JSON.stringify(
          history.map((h) => ({
            submission_id: h.submissionId,
            status: h.status,
            previous_status: h.previousStatus,
            at: h.at.toISOString(),
            reason: h.reason ?? null,
          })),
        ),
        prepared.rows,
        prepared.source,
      ],
    );
    if (events.length > 0) outbox.written(manager);
  }
}
