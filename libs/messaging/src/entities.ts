import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be published; written in the same transaction as the state change it reports and
 * deleted in the transaction that publishes it.
 */
@Entity({ name: 'outbox' })
@Index('outbox_seq', ['seq'])
export class OutboxRecord {
  @PrimaryColumn('uuid')
  id!: string;

  /** Publication order; one relay publishes in this order so a key's events keep their order. */
  @Column({ type: 'bigint', generated: 'increment' })
  seq!: string;

  @Column('text')
  topic!: string;

  @Column('text')
  key!: string;

  @Column('text')
  type!: string;

  @Column('text')
  source!: string;

  @Column('text')
  subject!: string;

  @Column('text', { nullable: true })
  tenant!: string | null;

  @Column('text', { nullable: true })
  traceparent!: string | null;

  @Column('jsonb')
  data!: unknown;

  @Column('timestamptz')
  time!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The ids of events a consumer group has handled; the handler's effect commits in the same transaction. */
@Entity({ name: 'inbox' })
export class InboxRecord {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @CreateDateColumn({ name: 'handled_at', type: 'timestamptz' })
  handledAt!: Date;
}

export const MESSAGING_ENTITIES = [OutboxRecord, InboxRecord];
