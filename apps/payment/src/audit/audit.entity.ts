import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One admin action: who did what to which target, in the same transaction as the change. */
@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text')
  tenant!: string;

  @Column({ name: 'actor_key', type: 'text' })
  actorKey!: string;

  @Column('text')
  action!: string;

  @Column('text')
  target!: string;

  @Column('jsonb')
  details!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
