import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { LIGHT, type Row, toMessage } from './message-rows';
import type { MessageRecord, MessageState } from './messages.types';

/** Operators' view of messages and their delivery state (no contents). */
@Injectable()
export class MessagesRepository {
  constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

  async list(filter: {
    tenant: string | null;
    destinationId?: string;
    submissionId?: string;
    state?: MessageState;
    limit: number;
  }): Promise<MessageRecord[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${LIGHT} FROM routing.message
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR destination_id = $2)
         AND ($3::uuid IS NULL OR submission_id = $3) AND ($4::text IS NULL OR state = $4)
       ORDER BY created_at DESC LIMIT $5`,
      [
        filter.tenant,
        filter.destinationId ?? null,
        filter.submissionId ?? null,
        filter.state ?? null,
        filter.limit,
      ],
    );
    return rows.map(toMessage);
  }

  async find(id: string): Promise<MessageRecord | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT ${LIGHT} FROM routing.message WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toMessage(rows[0]) : undefined;
  }
}
