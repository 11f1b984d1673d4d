import type { Mandate } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.module';

/** DDL of the mandate projection, for the migration of every service that checks representation. */
export async function createMandateProjectionTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE "${schema}".mandates (
      mandate_id uuid PRIMARY KEY,
      organisation_key text NOT NULL,
      representative_key text NOT NULL,
      leika_keys text[],
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      revoked_at timestamptz
    )`);
  await queryRunner.query(
    `CREATE INDEX mandates_representative ON "${schema}".mandates (representative_key)`,
  );
}

interface Row {
  mandate_id: string;
  organisation_key: string;
  representative_key: string;
  leika_keys: string[] | null;
  valid_from: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
}

/** The service's copy of representation mandates, kept from accounts' events. */
@Injectable()
export class MandatesRepository {
  private readonly table: string;

  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.table = `"${options.schema}".mandates`;
  }

  async upsert(manager: EntityManager, m: Omit<Mandate, 'revokedAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (mandate_id, organisation_key, representative_key, leika_keys, valid_from, valid_until)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (mandate_id) DO UPDATE SET leika_keys = EXCLUDED.leika_keys, valid_until = EXCLUDED.valid_until`,
      [m.mandateId, m.organisationKey, m.representativeKey, m.leikaKeys, m.validFrom, m.validUntil],
    );
  }

  async revoke(manager: EntityManager, mandateId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE ${this.table} SET revoked_at = $2 WHERE mandate_id = $1 AND revoked_at IS NULL`,
      [mandateId, at],
    );
  }

  /** Mandates where `representativeKey` acts for someone (revoked ones are filtered by the helper). */
  async forRepresentative(representativeKey: string): Promise<Mandate[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM ${this.table} WHERE representative_key = $1 AND revoked_at IS NULL`,
      [representativeKey],
    );
    return rows.map((r) => ({
      mandateId: r.mandate_id,
      organisationKey: r.organisation_key,
      representativeKey: r.representative_key,
      leikaKeys: r.leika_keys,
      validFrom: r.valid_from,
      validUntil: r.valid_until,
      revokedAt: r.revoked_at,
    }));
  }
}
