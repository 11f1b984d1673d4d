import { returnedRows } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CitizenStatus, Outcome } from '../postkorb/postkorb.model';

/** accounts' projection of a submission: whose it is and where it stands for the citizen. */
export interface SubmissionRecord {
  submissionId: string;
  ownerKey: string | null;
  anonymous: boolean;
  actedByKey: string | null;
  tenant: string;
  vorgangsnummer: string;
  leikaKey: string | null;
  leistungName: string | null;
  submittedAt: Date;
  status: CitizenStatus | null;
  outcome: Outcome | null;
  statusAt: Date | null;
  erasedAt: Date | null;
}

export interface SubmissionFacts {
  submissionId: string;
  ownerKey: string | null;
  anonymous: boolean;
  actedByKey?: string;
  tenant: string;
  vorgangsnummer: string;
  leikaKey?: string;
  leistungName?: string;
  submittedAt: Date;
}

export interface TimelineEntry {
  eventId: string;
  kind: string;
  status: CitizenStatus | null;
  outcome: Outcome | null;
  titleDe: string;
  titleEn: string;
  messageId: string | null;
  at: Date;
}

export interface PendingEvent {
  eventId: string;
  type: string;
  time: string;
  data: unknown;
}

export interface SubmissionRow {
  submission_id: string;
  owner_key: string | null;
  anonymous: boolean;
  acted_by_key: string | null;
  tenant: string;
  vorgangsnummer: string;
  leika_key: string | null;
  leistung_name: string | null;
  submitted_at: Date;
  status: CitizenStatus | null;
  outcome: Outcome | null;
  status_at: Date | null;
  erased_at: Date | null;
}

export function toSubmission(r: SubmissionRow): SubmissionRecord {
  return {
    submissionId: r.submission_id,
    ownerKey: r.owner_key,
    anonymous: r.anonymous,
    actedByKey: r.acted_by_key,
    tenant: r.tenant,
    vorgangsnummer: r.vorgangsnummer,
    leikaKey: r.leika_key,
    leistungName: r.leistung_name,
    submittedAt: r.submitted_at,
    status: r.status,
    outcome: r.outcome,
    statusAt: r.status_at,
    erasedAt: r.erased_at,
  };
}

@Injectable()
export class ProjectionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Serialises all work on one submission across consumer partitions and replicas (until the transaction
   * ends), so parking and replaying early events cannot race.
   */
  async lockSubmission(manager: EntityManager, submissionId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [submissionId]);
  }

  /**
   * Records what an event tells about a submission. The owner is fixed by the first event that names it;
   * later events only fill gaps. A submission of an account erased after it was made is marked erased.
   * Returns true when the submission was new.
   */
  async learn(manager: EntityManager, f: SubmissionFacts): Promise<boolean> {
    const rows = await manager.query<Array<{ inserted: boolean }>>(
      `INSERT INTO accounts.submissions AS s (submission_id, owner_key, anonymous, acted_by_key, tenant,
         vorgangsnummer, leika_key, leistung_name, submitted_at, erased_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
         (SELECT e.erased_at FROM accounts.erased_accounts e WHERE e.account_key = $2 AND e.erased_at > $9))
       ON CONFLICT (submission_id) DO UPDATE
         SET leika_key = COALESCE(s.leika_key, EXCLUDED.leika_key),
             leistung_name = COALESCE(s.leistung_name, EXCLUDED.leistung_name),
             acted_by_key = COALESCE(s.acted_by_key, EXCLUDED.acted_by_key)
       RETURNING (xmax = 0) AS inserted`,
      [
        f.submissionId,
        f.ownerKey,
        f.anonymous,
        f.actedByKey ?? null,
        f.tenant,
        f.vorgangsnummer,
        f.leikaKey ?? null,
        f.leistungName ?? null,
        f.submittedAt,
      ],
    );
    return rows[0]?.inserted === true;
  }

  async find(manager: EntityManager, submissionId: string): Promise<SubmissionRecord | undefined> {
    const rows = await manager.query<SubmissionRow[]>(
      `SELECT * FROM accounts.submissions WHERE submission_id = $1`,
      [submissionId],
    );
    return rows[0] ? toSubmission(rows[0]) : undefined;
  }

  async setStatus(
    manager: EntityManager,
    submissionId: string,
    status: CitizenStatus,
    outcome: Outcome | null,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE accounts.submissions SET status = $2, outcome = $3, status_at = $4 WHERE submission_id = $1`,
      [submissionId, status, outcome, at],
    );
  }

  async park(manager: EntityManager, submissionId: string, e: PendingEvent): Promise<void> {
    await manager.query(
      `INSERT INTO accounts.pending_events (event_id, submission_id, type, data)
       VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING`,
      [e.eventId, submissionId, e.type, JSON.stringify({ time: e.time, data: e.data })],
    );
  }

  /** Removes and returns the parked events of a submission, oldest first. */
  async takeParked(manager: EntityManager, submissionId: string): Promise<PendingEvent[]> {
    const result: unknown = await manager.query(
      `DELETE FROM accounts.pending_events WHERE submission_id = $1 RETURNING event_id, type, data`,
      [submissionId],
    );
    return returnedRows<{ event_id: string; type: string; data: { time: string; data: unknown } }>(result)
      .map((r) => ({ eventId: r.event_id, type: r.type, time: r.data.time, data: r.data.data }))
      .sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Inserts the entry unless the event was applied before; true when inserted. */
  async addTimelineEntry(manager: EntityManager, submissionId: string, ownerKey: string, e: TimelineEntry) {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO accounts.timeline_entries (event_id, submission_id, owner_key, kind, status, outcome, title_de,
         title_en, message_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [
        e.eventId,
        submissionId,
        ownerKey,
        e.kind,
        e.status,
        e.outcome,
        e.titleDe,
        e.titleEn,
        e.messageId,
        e.at,
      ],
    );
    return rows.length > 0;
  }

  async linkTimelineMessage(manager: EntityManager, eventId: string, messageId: string): Promise<void> {
    await manager.query(`UPDATE accounts.timeline_entries SET message_id = $2 WHERE event_id = $1`, [
      eventId,
      messageId,
    ]);
  }

  // ---- erasure and purging -------------------------------------------------------------------------------

  /** The owner's submissions stay known (so later events are dropped) but lose their timeline. */
  async eraseOwner(manager: EntityManager, ownerKey: string): Promise<void> {
    await manager.query(`DELETE FROM accounts.timeline_entries WHERE owner_key = $1`, [ownerKey]);
    await manager.query(
      `UPDATE accounts.submissions SET erased_at = now(), leistung_name = NULL, acted_by_key = NULL
       WHERE owner_key = $1 AND erased_at IS NULL`,
      [ownerKey],
    );
  }

  async purgeParked(days: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM accounts.pending_events WHERE received_at < now() - make_interval(days => $1)`,
      [days],
    );
  }
}
