import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.module';

export interface EchoRecord {
  echoId: string;
  service: string;
  direction: 'sent' | 'received';
  message: string;
  at: Date;
}

@Injectable()
export class DiagnosticsRepository {
  private readonly table: string;

  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.table = `"${options.schema}".diagnostics_echo`;
  }

  async record(manager: EntityManager, r: Omit<EchoRecord, 'at'>): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.table} (echo_id, service, direction, message) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [r.echoId, r.service, r.direction, r.message],
    );
  }

  async find(echoId: string): Promise<EchoRecord[]> {
    const rows = await this.dataSource.query<
      Array<{ echo_id: string; service: string; direction: 'sent' | 'received'; message: string; at: Date }>
    >(`SELECT echo_id, service, direction, message, at FROM ${this.table} WHERE echo_id = $1 ORDER BY at`, [
      echoId,
    ]);
    return rows.map((r) => ({
      echoId: r.echo_id,
      service: r.service,
      direction: r.direction,
      message: r.message,
      at: r.at,
    }));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
