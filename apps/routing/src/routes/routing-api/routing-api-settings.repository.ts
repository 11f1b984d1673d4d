import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** The FIT-Connect sender client Zustellpunkte found via the Routing API are delivered with. */
export interface FitConnectSender {
  tokenUrl: string;
  clientId: string;
  /** File name in ROUTING_FITCONNECT_SECRETS_DIR, never the secret. */
  clientSecretRef: string;
  metadataVersion?: string;
  scope?: string;
}

export interface RoutingApiSetting {
  tenant: string;
  /** Leistungen whose Zuständigkeit comes from the Routing API. */
  leikaKeys: string[];
  sender: FitConnectSender | null;
  alertContact: string | null;
  updatedBy: string;
  updatedAt: Date;
}

interface Row {
  tenant: string;
  leika_keys: string[];
  sender: FitConnectSender | null;
  alert_contact: string | null;
  updated_by: string;
  updated_at: Date;
}

const toSetting = (r: Row): RoutingApiSetting => ({
  tenant: r.tenant,
  leikaKeys: r.leika_keys,
  sender: r.sender,
  alertContact: r.alert_contact,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

const COLUMNS = 'tenant, leika_keys, sender, alert_contact, updated_by, updated_at';

/** A tenant's choice of the Routing API as a source of Zuständigkeit. */
@Injectable()
export class RoutingApiSettingsRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  async find(
    tenant: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RoutingApiSetting | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM routing.routing_api_setting WHERE tenant = $1`,
      [tenant],
    );
    return rows[0] ? toSetting(rows[0]) : undefined;
  }

  /** Only tenants that chose the Routing API for the Leistung (the consumer's hot path asks this). */
  async findFor(
    manager: EntityManager,
    tenant: string,
    leikaKey: string,
  ): Promise<RoutingApiSetting | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM routing.routing_api_setting WHERE tenant = $1 AND $2 = ANY(leika_keys)`,
      [tenant, leikaKey],
    );
    return rows[0] ? toSetting(rows[0]) : undefined;
  }

  async save(manager: EntityManager, s: Omit<RoutingApiSetting, 'updatedAt'>): Promise<RoutingApiSetting> {
    const rows = await manager.query<Row[]>(
      `INSERT INTO routing.routing_api_setting (tenant, leika_keys, sender, alert_contact, updated_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant) DO UPDATE SET leika_keys = EXCLUDED.leika_keys, sender = EXCLUDED.sender,
         alert_contact = EXCLUDED.alert_contact, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        s.tenant,
        s.leikaKeys,
        s.sender === null ? null : JSON.stringify(s.sender),
        s.alertContact,
        s.updatedBy,
      ],
    );
    return toSetting(rows[0]);
  }
}
