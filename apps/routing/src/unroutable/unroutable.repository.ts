import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { UnroutableRecord } from '../messages/messages.types';

type Row = Record<string, unknown>;

/** The operators' list of submissions routing failed with NO_AUTHORITY (written by message intake). */
@Injectable()
export class UnroutableRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  /** Unroutable submissions, newest first; tenant null means all. */
  async list(filter: { tenant: string | null; since?: Date; limit: number }): Promise<UnroutableRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT submission_id, tenant, vorgangsnummer, leika_key, ars, reason, at FROM routing.unroutable
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2::timestamptz IS NULL OR at >= $2)
       ORDER BY at DESC, submission_id LIMIT $3`,
      [filter.tenant, filter.since ?? null, filter.limit],
    );
    return rows.map((r) => ({
      submissionId: r.submission_id as string,
      tenant: r.tenant as string,
      vorgangsnummer: (r.vorgangsnummer as string | null) ?? null,
      leikaKey: r.leika_key as string,
      ars: r.ars as string,
      reason: r.reason as string,
      at: r.at as Date,
    }));
  }
}
