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

/** How a parked event is stored (`pending_events.data`). */
interface ParkedData {
  time: string;
  data: unknown;
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
   * Serialises all work on these submissions across consumer partitions and replicas (until the transaction
   * ends), so parking and replaying early events cannot race. One statement for a whole batch, taking the
   * locks in one global order: two transactions locking overlapping sets cannot deadlock.
   */
  async lockSubmissions(manager: EntityManager, submissionIds: readonly string[]): Promise<void> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(k)
       FROM (SELECT DISTINCT hashtextextended(id, 7) AS k FROM unnest($1::text[]) AS id ORDER BY k) AS keys`,
      [submissionIds],
    );
  }

  /**
   * Records what events tell about their submissions (in their order: the owner is fixed by the first that
   * names it, later ones only fill gaps). A submission of an account erased after it was made is marked
   * erased. Returns the submissions that were new, and the events parked for them (taken out, oldest first).
   */
  async learn(
    manager: EntityManager,
    facts: readonly SubmissionFacts[],
  ): Promise<{ learnt: Set<string>; parked: Map<string, PendingEvent[]> }> {
    // One row per submission (a statement may not upsert a row twice): the first facts, gaps filled by later.
    const merged = new Map<string, SubmissionFacts>();
    for (const f of facts) {
      const key = f.submissionId.toLowerCase();
      const first = merged.get(key);
      merged.set(
        key,
        first
          ? {
              ...first,
              leikaKey: first.leikaKey ?? f.leikaKey,
              leistungName: first.leistungName ?? f.leistungName,
              actedByKey: first.actedByKey ?? f.actedByKey,
            }
          : f,
      );
    }
    const rows = await manager.query<
      Array<{ submission_id: string; event_id: string | null; type: string; data: ParkedData }>
    >(
      `WITH f AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS f(submission_id uuid, owner_key text, anonymous boolean,
           acted_by_key text, tenant text, vorgangsnummer text, leika_key text, leistung_name text,
           submitted_at timestamptz)
       ), learnt AS (
         INSERT INTO accounts.submissions AS s (submission_id, owner_key, anonymous, acted_by_key, tenant,
           vorgangsnummer, leika_key, leistung_name, submitted_at, erased_at)
         SELECT f.submission_id, f.owner_key, f.anonymous, f.acted_by_key, f.tenant, f.vorgangsnummer, f.leika_key,
           f.leistung_name, f.submitted_at,
           (SELECT e.erased_at FROM accounts.erased_accounts e
            WHERE e.account_key = f.owner_key AND e.erased_at > f.submitted_at)
         FROM f
         ON CONFLICT (submission_id) DO UPDATE
           SET leika_key = COALESCE(s.leika_key, EXCLUDED.leika_key),
               leistung_name = COALESCE(s.leistung_name, EXCLUDED.leistung_name),
               acted_by_key = COALESCE(s.acted_by_key, EXCLUDED.acted_by_key)
         RETURNING s.submission_id, (xmax = 0) AS inserted
       ), parked AS (
         DELETE FROM accounts.pending_events p USING learnt l
         WHERE l.inserted AND p.submission_id = l.submission_id
         RETURNING p.submission_id, p.event_id, p.type, p.data
       )
       SELECT submission_id::text, NULL AS event_id, NULL AS type, NULL::jsonb AS data FROM learnt WHERE inserted
       UNION ALL SELECT submission_id::text, event_id, type, data FROM parked`,
      [
        JSON.stringify(
          [...merged.values()].map((f) => ({
            submission_id: f.submissionId,
            owner_key: f.ownerKey,
            anonymous: f.anonymous,
            acted_by_key: f.actedByKey ?? null,
            tenant: f.tenant,
            vorgangsnummer: f.vorgangsnummer,
            leika_key: f.leikaKey ?? null,
            leistung_name: f.leistungName ?? null,
            submitted_at: f.submittedAt.toISOString(),
          })),
        ),
      ],
    );
    const learnt = new Set<string>();
    const parked = new Map<string, PendingEvent[]>();
    for (const r of rows) {
      if (r.event_id === null) {
        learnt.add(r.submission_id);
        continue;
      }
      const list = parked.get(r.submission_id) ?? [];
      list.push({ eventId: r.event_id, type: r.type, time: r.data.time, data: r.data.data });
      parked.set(r.submission_id, list);
    }
    for (const list of parked.values()) list.sort((a, b) => a.time.localeCompare(b.time));
    return { learnt, parked };
  }

  async findAll(
    manager: EntityManager,
    submissionIds: readonly string[],
  ): Promise<Map<string, SubmissionRecord>> {
    const rows = await manager.query<SubmissionRow[]>(
      `SELECT * FROM accounts.submissions WHERE submission_id = ANY($1::uuid[])`,
      [submissionIds],
    );
    return new Map(rows.map((r) => [r.submission_id, toSubmission(r)]));
  }

  /** The submissions' citizen status as the batch left it (one row per submission). */
  async setStatuses(
    manager: EntityManager,
    changes: ReadonlyArray<{
      submissionId: string;
      status: CitizenStatus;
      outcome: Outcome | null;
      at: Date;
    }>,
  ): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `UPDATE accounts.submissions s SET status = c.status, outcome = c.outcome, status_at = c.at
       FROM jsonb_to_recordset($1::jsonb) AS c(submission_id uuid, status text, outcome text, at timestamptz)
       WHERE s.submission_id = c.submission_id`,
      [
        JSON.stringify(
          changes.map((c) => ({
            submission_id: c.submissionId,
            status: c.status,
            outcome: c.outcome,
            at: c.at.toISOString(),
          })),
        ),
      ],
    );
  }

  /** Events of submissions accounts does not know yet: they wait until an event names the owner. */
  async park(
    manager: EntityManager,
    events: ReadonlyArray<PendingEvent & { submissionId: string }>,
  ): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO accounts.pending_events (event_id, submission_id, type, data)
       SELECT e.event_id, e.submission_id, e.type, e.data
       FROM jsonb_to_recordset($1::jsonb) AS e(event_id text, submission_id uuid, type text, data jsonb)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        JSON.stringify(
          events.map((e) => ({
            event_id: e.eventId,
            submission_id: e.submissionId,
            type: e.type,
            data: { time: e.time, data: e.data },
          })),
        ),
      ],
    );
  }

  /** Inserts the entries of events not applied before; returns the event ids that were inserted. */
  async addTimelineEntries(
    manager: EntityManager,
    entries: ReadonlyArray<TimelineEntry & { submissionId: string; ownerKey: string }>,
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows = await manager.query<Array<{ event_id: string }>>(
      `INSERT INTO accounts.timeline_entries (event_id, submission_id, owner_key, kind, status, outcome, title_de,
         title_en, message_id, at)
       SELECT e.event_id, e.submission_id, e.owner_key, e.kind, e.status, e.outcome, e.title_de, e.title_en,
         e.message_id, e.at
       FROM jsonb_to_recordset($1::jsonb) AS e(event_id text, submission_id uuid, owner_key text, kind text,
         status text, outcome text, title_de text, title_en text, message_id uuid, at timestamptz)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [
        JSON.stringify(
          entries.map((e) => ({
            event_id: e.eventId,
            submission_id: e.submissionId,
            owner_key: e.ownerKey,
            kind: e.kind,
            status: e.status,
            outcome: e.outcome,
            title_de: e.titleDe,
            title_en: e.titleEn,
            message_id: e.messageId,
            at: e.at.toISOString(),
          })),
        ),
      ],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  async linkTimelineMessages(
    manager: EntityManager,
    links: ReadonlyArray<{ eventId: string; messageId: string }>,
  ): Promise<void> {
    if (links.length === 0) return;
    await manager.query(
      `UPDATE accounts.timeline_entries t SET message_id = l.message_id
       FROM unnest($1::text[], $2::uuid[]) AS l(event_id, message_id) WHERE t.event_id = l.event_id`,
      [links.map((l) => l.eventId), links.map((l) => l.messageId)],
    );
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
