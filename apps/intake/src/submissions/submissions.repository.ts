import type { OutboxWriter, PreparedEvents } from '@amtsbote/messaging';
import { type ListScope, pgPool, preparedQuery } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { AttachmentRecord } from '../attachments/attachments.entity';
import { withoutParameters } from '../common/query-errors';
import { Leistung } from '../leistungen/leistungen.entity';
import { NumberBlocks } from './vorgangsnummer';
import {
  type IdBundDeReferences,
  type Receipt,
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
  digitalBescheidConsent: boolean | null;
  idBundDe: IdBundDeReferences | null;
}

/** A stored idempotent answer. */
export interface StoredAnswer {
  requestSha256: string;
  status: number;
  body: unknown;
}

/** `row_to_json` of a leistungen row. */
interface LeistungRow {
  tenant: string;
  leika_key: string;
  name_de: string;
  name_en: string | null;
  schema_id: string;
  schema_version: string;
  min_trust_level: number;
  anonymous_allowed: boolean;
  regions: string[];
  attachment_max_count: number;
  attachment_max_file_bytes: number;
  attachment_max_total_bytes: number;
  attachment_media_types: string[];
  draft_lifetime_seconds: number;
  active: boolean;
  created_at: string;
  updated_at: string;
}

function leistungFromRow(r: LeistungRow): Leistung {
  return Object.assign(new Leistung(), {
    tenant: r.tenant,
    leikaKey: r.leika_key,
    nameDe: r.name_de,
    nameEn: r.name_en,
    schemaId: r.schema_id,
    schemaVersion: r.schema_version,
    minTrustLevel: Number(r.min_trust_level),
    anonymousAllowed: r.anonymous_allowed,
    regions: r.regions,
    attachmentMaxCount: Number(r.attachment_max_count),
    attachmentMaxFileBytes: Number(r.attachment_max_file_bytes),
    attachmentMaxTotalBytes: Number(r.attachment_max_total_bytes),
    attachmentMediaTypes: r.attachment_media_types,
    draftLifetimeSeconds: Number(r.draft_lifetime_seconds),
    active: r.active,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  });
}

/**
 * The only place with the SQL of submissions, their timeline, idempotency keys and the counters. The
 * submission path is written for few round trips: on a loaded machine each one costs more than the SQL.
 */
@Injectable()
export class SubmissionsRepository {
  private readonly numbers = new NumberBlocks((key, count) => this.reserveNumbers(key, count));

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Outside a transaction: for work that is one statement (atomic by itself). */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * What a submission starts from, in one round trip: the stored answer to this Idempotency-Key (if any)
   * and the Leistung (if it exists).
   */
  async context(
    scope: string,
    key: string,
    tenant: string,
    leikaKey: string,
  ): Promise<{ replay?: StoredAnswer; leistung?: Leistung }> {
    const rows = await preparedQuery<{ replay: StoredAnswer | null; leistung: LeistungRow | null }>(
      this.dataSource.manager,
      'intake-submission-context',
      `SELECT
         (SELECT json_build_object('requestSha256', request_sha256, 'status', response_status, 'body', response_body)
            FROM ${S}.idempotency_keys WHERE scope = $1 AND key = $2) AS replay,
         (SELECT row_to_json(l) FROM ${S}.leistungen l JOIN ${S}.tenants t ON t.id = l.tenant
            WHERE l.tenant = $3 AND l.leika_key = $4
              -- within the tenant's area (see withinArea), else it is not offered
              AND NOT EXISTS (SELECT 1 FROM unnest(l.regions) r WHERE left(r, length(t.ars)) <> t.ars)
         ) AS leistung`,
      [scope, key, tenant, leikaKey],
    );
    const row = rows[0];
    return {
      replay: row?.replay ?? undefined,
      leistung: row?.leistung ? leistungFromRow(row.leistung) : undefined,
    };
  }

  /** The stored answer to an Idempotency-Key. */
  async storedAnswer(scope: string, key: string): Promise<StoredAnswer | undefined> {
    const rows = await this.dataSource.query<StoredAnswer[]>(
      `SELECT request_sha256 AS "requestSha256", response_status AS status, response_body AS body
       FROM ${S}.idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    return rows[0];
  }

  /** The next number of the tenant's year, from a block reserved by `reserveNumbers`. */
  nextNumber(tenant: string, year: number): Promise<number> {
    if (!/^[a-z0-9-]{1,63}$/.test(tenant) || !Number.isInteger(year)) throw new Error('invalid counter key');
    return this.numbers.next(`${tenant}/${year}`);
  }

  /**
   * Reserves `count` numbers of a tenant's year in its own tiny transaction, committed asynchronously and
   * sent as one message: the row lock lasts microseconds, and the (synchronous) commit of the submission
   * that uses a number flushes this increment with it, so a number used by a durable submission is never
   * handed out twice.
   */
  private async reserveNumbers(key: string, count: number): Promise<number> {
    const [tenant, year] = key.split('/');
    const client = await pgPool(this.dataSource).connect();
    try {
      // Simple-query protocol (no parameters), so the statements travel together; nextNumber checked the key.
      const results = (await client.query(
        `BEGIN; SET LOCAL synchronous_commit TO off;
         INSERT INTO ${S}.vorgangsnummer_counters (tenant, year, last) VALUES ('${tenant}', ${Number(year)}, ${count})
         ON CONFLICT (tenant, year) DO UPDATE SET last = vorgangsnummer_counters.last + ${count} RETURNING last;
         COMMIT`,
      )) as unknown as Array<QueryResult<{ last: string }>>;
      client.release();
      return Number(results[2].rows[0].last);
    } catch (err) {
      // The connection may be left in an aborted transaction: it is closed, not reused.
      client.release(err as Error);
      throw err;
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

  /**
   * Claims the Idempotency-Key and, only if that succeeds, stores the submission with its first timeline
   * entry and its outbox events and binds its attachments — one statement. A concurrent transaction holding the same key makes
   * this wait for it; `claimed` is false if that one committed (the caller then replays its answer).
   * `bound` counts the attachments that were still free to bind.
   */
  async claimAndInsert(
    manager: EntityManager,
    idem: { scope: string; key: string; requestSha256: string; status: number; body: unknown },
    s: NewSubmission,
    attachmentIds: string[],
    events: { prepared: PreparedEvents; writer: OutboxWriter },
  ): Promise<{ claimed: boolean; bound: number }> {
    const rows = await withoutParameters(
      preparedQuery<{ claimed: number; bound: number }>(
        manager,
        'intake-submission-insert',
        `WITH claim AS (
         INSERT INTO ${S}.idempotency_keys (scope, key, request_sha256, response_status, response_body)
         VALUES ($1, $2, $3, $4, $5::json) ON CONFLICT (scope, key) DO NOTHING RETURNING 1
       ), sub AS (
         INSERT INTO ${S}.submissions (id, tenant, leika_key, leistung_name, vorgangsnummer, ars, owner_key,
           acted_by_key, applicant_kind, trust_level, schema_id, schema_version, data, data_sha512, receipt,
           receipt_token_sha256, status, status_changed_at, submitted_at, digital_bescheid_consent, id_bund_de)
         SELECT $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, $20::jsonb, $21,
           'SUBMITTED', $22, $22, $26::boolean, $27::jsonb FROM claim
         RETURNING id
       ), hist AS (
         INSERT INTO ${S}.submission_status_history (submission_id, status, previous_status, at)
         SELECT id, 'SUBMITTED', NULL, $22 FROM sub
       ), bound AS (
         UPDATE ${S}.attachments SET submission_id = $6, draft_id = NULL
         WHERE id = ANY($23::uuid[]) AND submission_id IS NULL AND purged_at IS NULL
           AND EXISTS (SELECT 1 FROM claim)
         RETURNING id
       ), events AS (
         ${events.writer.insertSql(24, 25, 'EXISTS (SELECT 1 FROM claim)')}
       )
       SELECT (SELECT count(*) FROM claim)::int AS claimed, (SELECT count(*) FROM bound)::int AS bound`,
        [
          idem.scope,
          idem.key,
          idem.requestSha256,
          idem.status,
          JSON.stringify(idem.body),
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
          attachmentIds,
          events.prepared.rows,
          events.prepared.source,
          s.digitalBescheidConsent,
          s.idBundDe === null ? null : JSON.stringify(s.idBundDe),
        ],
      ),
    );
    return { claimed: rows[0]?.claimed === 1, bound: rows[0]?.bound ?? 0 };
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

  /** The owner's submissions, of the Leistungen in scope only (null: all). */
  listOwned(scope: ListScope, limit: number): Promise<Submission[]> {
    const q = this.dataSource.manager
      .createQueryBuilder(Submission, 's')
      .where('s.owner_key = :owner', { owner: scope.ownerKey });
    if (scope.leikaScope !== null)
      q.andWhere('s.leika_key = ANY(:leikaKeys)', { leikaKeys: scope.leikaScope });
    return q.orderBy('s.submitted_at', 'DESC').limit(limit).getMany();
  }

  timeline(submissionId: string): Promise<SubmissionStatusEntry[]> {
    return this.dataSource.manager.find(SubmissionStatusEntry, {
      where: { submissionId },
      order: { id: 'ASC' },
    });
  }
}
