import { WindowCounter } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** What anonymous drafts of one Leistung hold right now, and the per-client counters (PostgreSQL). */
@Injectable()
export class AnonymousQuotasRepository {
  readonly counter: WindowCounter;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.counter = new WindowCounter(dataSource, 'intake');
  }

  /** Live anonymous drafts of the Leistung and when the first of them expires. */
  async liveDrafts(tenant: string, leikaKey: string): Promise<{ count: number; nextExpiry: Date | null }> {
    const rows = await this.dataSource.query<Array<{ count: number; next_expiry: Date | null }>>(
      `SELECT count(*)::int AS count, min(expires_at) AS next_expiry FROM "intake".drafts
       WHERE tenant = $1 AND leika_key = $2 AND owner_key IS NULL AND expires_at > now()`,
      [tenant, leikaKey],
    );
    return { count: rows[0]?.count ?? 0, nextExpiry: rows[0]?.next_expiry ?? null };
  }

  /** Bytes of the files in the Leistung's anonymous drafts, and when the first of those drafts expires. */
  async storedBytes(tenant: string, leikaKey: string): Promise<{ bytes: number; nextExpiry: Date | null }> {
    const rows = await this.dataSource.query<Array<{ bytes: string; next_expiry: Date | null }>>(
      `SELECT coalesce(sum(a.size), 0)::text AS bytes, min(d.expires_at) AS next_expiry
       FROM "intake".attachments a JOIN "intake".drafts d ON d.id = a.draft_id
       WHERE a.tenant = $1 AND a.leika_key = $2 AND a.owner_key IS NULL AND a.submission_id IS NULL`,
      [tenant, leikaKey],
    );
    return { bytes: Number(rows[0]?.bytes ?? 0), nextExpiry: rows[0]?.next_expiry ?? null };
  }
}
