import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One admin action: who did what to which target, for which tenant, when. */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  @Column({ name: 'actor_key', type: 'text' })
  actorKey!: string;

  @Column('text')
  tenant!: string;

  @Column('text')
  action!: string;

  @Column('text')
  target!: string;

  @Column({ type: 'jsonb', default: {} })
  details!: Record<string, unknown>;
}
