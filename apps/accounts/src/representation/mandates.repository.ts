import { returnedRows } from '@amtsbote/platform';
import type { Mandate } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface MandateRecord extends Mandate {
  grantedByKey: string;
  revokedByKey: string | null;
  createdAt: Date;
}

interface Row {
  mandate_id: string;
  organisation_key: string;
  representative_key: string;
  leika_keys: string[] | null;
  valid_from: Date;
  valid_until: Date | null;
  revoked_at: Date | null;
  granted_by_key: string;
  revoked_by_key: string | null;
  created_at: Date;
}

function toRecord(r: Row): MandateRecord {
  return {
    mandateId: r.mandate_id,
    organisationKey: r.organisation_key,
    representativeKey: r.representative_key,
    leikaKeys: r.leika_keys,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    revokedAt: r.revoked_at,
    grantedByKey: r.granted_by_key,
    revokedByKey: r.revoked_by_key,
    createdAt: r.created_at,
  };
}

/** accounts' own mandates: the source of truth the other services project from its events. */
@Injectable()
export class MandatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(manager: EntityManager, m: Omit<MandateRecord, 'revokedAt' | 'revokedByKey' | 'createdAt'>) {
    const rows = await manager.query<Row[]>(
      `INSERT INTO accounts.mandates
         (mandate_id, organisation_key, representative_key, leika_keys, valid_from, valid_until, granted_by_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        m.mandateId,
        m.organisationKey,
        m.representativeKey,
        m.leikaKeys,
        m.validFrom,
        m.validUntil,
        m.grantedByKey,
      ],
    );
    return toRecord(rows[0]);
  }

  async listByOrganisation(organisationKey: string, includeRevoked: boolean): Promise<MandateRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM accounts.mandates WHERE organisation_key = $1 AND ($2 OR revoked_at IS NULL)
       ORDER BY created_at DESC, mandate_id`,
      [organisationKey, includeRevoked],
    );
    return rows.map(toRecord);
  }

  async findOfOrganisation(
    manager: EntityManager,
    organisationKey: string,
    mandateId: string,
    lock = false,
  ): Promise<MandateRecord | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT * FROM accounts.mandates WHERE mandate_id = $1 AND organisation_key = $2${lock ? ' FOR UPDATE' : ''}`,
      [mandateId, organisationKey],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Not yet revoked mandates where `representativeKey` may act for someone (the helper checks validity). */
  async forRepresentative(representativeKey: string, organisationKey?: string): Promise<MandateRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM accounts.mandates
       WHERE representative_key = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR organisation_key = $2)
       ORDER BY created_at`,
      [representativeKey, organisationKey ?? null],
    );
    return rows.map(toRecord);
  }

  async revoke(manager: EntityManager, mandateId: string, byKey: string): Promise<MandateRecord | undefined> {
    const result: unknown = await manager.query(
      `UPDATE accounts.mandates SET revoked_at = now(), revoked_by_key = $2
       WHERE mandate_id = $1 AND revoked_at IS NULL RETURNING *`,
      [mandateId, byKey],
    );
    const row = returnedRows<Row>(result)[0];
    return row ? toRecord(row) : undefined;
  }

  /** For erasure: every unrevoked mandate the account grants or holds, locked. */
  async unrevokedInvolving(manager: EntityManager, key: string): Promise<MandateRecord[]> {
    const rows = await manager.query<Row[]>(
      `SELECT * FROM accounts.mandates
       WHERE (organisation_key = $1 OR representative_key = $1) AND revoked_at IS NULL FOR UPDATE`,
      [key],
    );
    return rows.map(toRecord);
  }

  /** For erasure: an erased organisation's mandates go entirely; mandates it held stay (revoked) with the grantor. */
  async deleteOfOrganisation(manager: EntityManager, organisationKey: string): Promise<void> {
    await manager.query(`DELETE FROM accounts.mandates WHERE organisation_key = $1`, [organisationKey]);
  }
}
