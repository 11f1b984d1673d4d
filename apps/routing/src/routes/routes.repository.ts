import { returning } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  DESTINATION_COLUMNS,
  type DestinationRow,
  toDestination,
} from '../destinations/destinations.repository';
import type { DestinationRecord } from '../destinations/destinations.types';

export interface RouteRecord {
  id: string;
  tenant: string;
  leikaKey: string;
  /** '' is the nationwide default of the Leistung. */
  arsPrefix: string;
  destinationId: string;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  tenant: string;
  leika_key: string;
  ars_prefix: string;
  destination_id: string;
  created_at: Date;
  updated_at: Date;
}

const toRoute = (r: Row): RouteRecord => ({
  id: r.id,
  tenant: r.tenant,
  leikaKey: r.leika_key,
  arsPrefix: r.ars_prefix,
  destinationId: r.destination_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Prefix lengths of the Amtlicher Regionalschlüssel, most specific first. */
export const ARS_LEVELS = [12, 9, 5, 3, 2] as const;

/** The prefixes of an ARS to look up, most specific first, then '' (nationwide default). */
export function arsCandidates(ars: string): string[] {
  return [...ARS_LEVELS.filter((n) => n <= ars.length).map((n) => ars.slice(0, n)), ''];
}

@Injectable()
export class RoutesRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async list(tenant: string | null, leikaKey?: string): Promise<RouteRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT id, tenant, leika_key, ars_prefix, destination_id, created_at, updated_at FROM routing.route
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR leika_key = $2)
       ORDER BY tenant, leika_key, length(ars_prefix), ars_prefix`,
      [tenant, leikaKey ?? null],
    );
    return rows.map(toRoute);
  }

  async find(id: string): Promise<RouteRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT id, tenant, leika_key, ars_prefix, destination_id, created_at, updated_at FROM routing.route WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRoute(rows[0]) : undefined;
  }

  /** Inserts or repoints the route of (tenant, LeiKa, prefix); tells whether it was new. */
  async upsert(
    manager: EntityManager,
    r: { id: string; tenant: string; leikaKey: string; arsPrefix: string; destinationId: string },
  ): Promise<{ route: RouteRecord; created: boolean }> {
    const rows = await manager.query<Array<Row & { inserted: boolean }>>(
      `INSERT INTO routing.route (id, tenant, leika_key, ars_prefix, destination_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, leika_key, ars_prefix)
       DO UPDATE SET destination_id = EXCLUDED.destination_id,
         updated_at = CASE WHEN route.destination_id = EXCLUDED.destination_id THEN route.updated_at ELSE now() END
       RETURNING id, tenant, leika_key, ars_prefix, destination_id, created_at, updated_at, (xmax = 0) AS inserted`,
      [r.id, r.tenant, r.leikaKey, r.arsPrefix, r.destinationId],
    );
    return { route: toRoute(rows[0]), created: rows[0].inserted };
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM routing.route WHERE id = $1`, [id]);
  }

  /** Deletes the tenant's routes whose id is not kept; returns how many. */
  async deleteOthers(manager: EntityManager, tenant: string, keep: string[]): Promise<number> {
    const rows = await returning<{ id: string }>(
      manager,
      `DELETE FROM routing.route WHERE tenant = $1 AND NOT (id = ANY($2::uuid[])) RETURNING id`,
      [tenant, keep],
    );
    return rows.length;
  }

  /**
   * The most specific route of the Leistung for the ARS in the tenant (12 → 9 → 5 → 3 → 2 digits, then the
   * nationwide default), with its destination. Read fresh on every call: route changes apply at once.
   */
  async resolve(
    manager: EntityManager,
    tenant: string,
    leikaKey: string,
    ars: string,
  ): Promise<{ route: RouteRecord; destination: DestinationRecord } | undefined> {
    const rows = await manager.query<Array<Row & { [k: `dest_${string}`]: unknown }>>(
      `SELECT r.id AS route_id, r.tenant AS route_tenant, r.leika_key, r.ars_prefix, r.destination_id,
              r.created_at AS route_created_at, r.updated_at AS route_updated_at, ${DESTINATION_COLUMNS}
       FROM routing.route r JOIN routing.destination d ON d.id = r.destination_id
       WHERE r.tenant = $1 AND r.leika_key = $2 AND r.ars_prefix = ANY($3::text[])
       ORDER BY length(r.ars_prefix) DESC LIMIT 1`,
      [tenant, leikaKey, arsCandidates(ars)],
    );
    const row = rows[0] as unknown as
      | (DestinationRow & {
          route_id: string;
          route_tenant: string;
          leika_key: string;
          ars_prefix: string;
          destination_id: string;
          route_created_at: Date;
          route_updated_at: Date;
        })
      | undefined;
    if (row === undefined) return undefined;
    return {
      route: {
        id: row.route_id,
        tenant: row.route_tenant,
        leikaKey: row.leika_key,
        arsPrefix: row.ars_prefix,
        destinationId: row.destination_id,
        createdAt: row.route_created_at,
        updatedAt: row.route_updated_at,
      },
      destination: toDestination(row),
    };
  }
}
