import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CitizenStatus, Outcome } from './postkorb.model';
import {
  type SubmissionRecord,
  type SubmissionRow,
  type TimelineEntry,
  toSubmission,
} from '../projections/projections.repository';

/**
 * The Postkorb's read view of the submissions and timelines the projection keeps (`accounts.submissions`,
 * `accounts.timeline_entries`): what an owner, or a representative within a mandate's Leistungen, may list.
 */
@Injectable()
export class PostkorbSubmissionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async visibleSubmission(
    ownerKey: string,
    leikaScope: string[] | null,
    submissionId: string,
  ): Promise<SubmissionRecord | undefined> {
    const rows = await this.dataSource.query<SubmissionRow[]>(
      `SELECT * FROM accounts.submissions
       WHERE submission_id = $3 AND owner_key = $1 AND erased_at IS NULL
         AND ($2::text[] IS NULL OR leika_key = ANY($2::text[]))`,
      [ownerKey, leikaScope, submissionId],
    );
    return rows[0] ? toSubmission(rows[0]) : undefined;
  }

  async listSubmissions(
    ownerKey: string,
    leikaScope: string[] | null,
    cursor: { createdAt: Date; id: string } | undefined,
    limit: number,
  ): Promise<SubmissionRecord[]> {
    const rows = await this.dataSource.query<SubmissionRow[]>(
      `SELECT * FROM accounts.submissions
       WHERE owner_key = $1 AND erased_at IS NULL AND ($2::text[] IS NULL OR leika_key = ANY($2::text[]))
         AND ($3::timestamptz IS NULL OR (submitted_at, submission_id) < ($3::timestamptz, $4::uuid))
       ORDER BY submitted_at DESC, submission_id DESC LIMIT $5`,
      [ownerKey, leikaScope, cursor?.createdAt ?? null, cursor?.id ?? null, limit],
    );
    return rows.map(toSubmission);
  }

  async timeline(submissionId: string): Promise<TimelineEntry[]> {
    const rows = await this.dataSource.query<
      Array<{
        event_id: string;
        kind: string;
        status: CitizenStatus | null;
        outcome: Outcome | null;
        title_de: string;
        title_en: string;
        message_id: string | null;
        at: Date;
      }>
    >(
      `SELECT t.event_id, t.kind, t.status, t.outcome, t.title_de, t.title_en, t.at,
         (SELECT m.id FROM accounts.messages m WHERE m.id = t.message_id AND m.deleted_at IS NULL) AS message_id
       FROM accounts.timeline_entries t WHERE t.submission_id = $1 ORDER BY t.at, t.event_id`,
      [submissionId],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      kind: r.kind,
      status: r.status,
      outcome: r.outcome,
      titleDe: r.title_de,
      titleEn: r.title_en,
      messageId: r.message_id,
      at: r.at,
    }));
  }
}
