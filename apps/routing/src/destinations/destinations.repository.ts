import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { JWK } from 'jose';
import type { DataSource, EntityManager } from 'typeorm';
import type { DestinationRecord } from './destinations.types';

interface Row {
  id: string;
  tenant: string;
  name: string;
  identity: string;
  channel: string;
  format: string;
  endpoint_url: string | null;
  callback_url: string | null;
  mtls: boolean;
  channel_settings: Record<string, unknown>;
  secret_enc: string;
  public_key: JWK | null;
  max_message_bytes: number;
  max_attachment_bytes: number;
  alert_contact: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export const DESTINATION_COLUMNS = `d.id, d.tenant, d.name, d.identity, d.channel, d.format, d.endpoint_url, d.callback_url,
  d.mtls, d.channel_settings, d.secret_enc, d.public_key, d.max_message_bytes, d.max_attachment_bytes, d.alert_contact, d.active,
  d.created_at, d.updated_at`;

export function toDestination(r: Row): DestinationRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    name: r.name,
    identity: r.identity,
    channel: r.channel,
    format: r.format,
    endpointUrl: r.endpoint_url,
    callbackUrl: r.callback_url,
    mtls: r.mtls,
    channelSettings: r.channel_settings,
    secretSealed: r.secret_enc,
    publicKey: r.public_key,
    maxMessageBytes: r.max_message_bytes,
    maxAttachmentBytes: r.max_attachment_bytes,
    alertContact: r.alert_contact,
    active: r.active,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export type DestinationRow = Row;

@Injectable()
export class DestinationsRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<DestinationRecord | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${DESTINATION_COLUMNS} FROM routing.destination d WHERE d.id = $1`,
      [id],
    );
    return rows[0] ? toDestination(rows[0]) : undefined;
  }

  async list(tenant: string | null): Promise<DestinationRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${DESTINATION_COLUMNS} FROM routing.destination d WHERE $1::text IS NULL OR d.tenant = $1 ORDER BY d.id`,
      [tenant],
    );
    return rows.map(toDestination);
  }

  /** Inserts; false when the id is taken. */
  async insert(
    manager: EntityManager,
    d: Omit<DestinationRecord, 'createdAt' | 'updatedAt'>,
  ): Promise<boolean> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO routing.destination (id, tenant, name, identity, channel, format, endpoint_url, callback_url, mtls,
         secret_enc, public_key, max_message_bytes, max_attachment_bytes, alert_contact, active, channel_settings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        d.id,
        d.tenant,
        d.name,
        d.identity,
        d.channel,
        d.format,
        d.endpointUrl,
        d.callbackUrl,
        d.mtls,
        d.secretSealed,
        d.publicKey === null ? null : JSON.stringify(d.publicKey),
        d.maxMessageBytes,
        d.maxAttachmentBytes,
        d.alertContact,
        d.active,
        JSON.stringify(d.channelSettings),
      ],
    );
    return rows.length === 1;
  }

  async update(manager: EntityManager, d: DestinationRecord): Promise<void> {
    await manager.query(
      `UPDATE routing.destination SET name = $2, identity = $3, channel = $4, format = $5, endpoint_url = $6,
         callback_url = $7, mtls = $8, secret_enc = $9, public_key = $10, max_message_bytes = $11,
         max_attachment_bytes = $12, alert_contact = $13, active = $14, channel_settings = $15, updated_at = now()
       WHERE id = $1`,
      [
        d.id,
        d.name,
        d.identity,
        d.channel,
        d.format,
        d.endpointUrl,
        d.callbackUrl,
        d.mtls,
        d.secretSealed,
        d.publicKey === null ? null : JSON.stringify(d.publicKey),
        d.maxMessageBytes,
        d.maxAttachmentBytes,
        d.alertContact,
        d.active,
        JSON.stringify(d.channelSettings),
      ],
    );
  }
}
