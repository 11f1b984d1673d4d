import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Gebühr: what a Leistung costs in a tenant, optionally only in a region (ARS prefix; the most specific
 * prefix wins, no prefix covers the whole tenant). Texts are stored already sanitised to XBezahldienste limits.
 */
@Entity({ name: 'fee_schedules' })
export class FeeScheduleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  tenant!: string;

  @Column({ name: 'leika_key', type: 'text' })
  leikaKey!: string;

  @Column({ name: 'ars_prefix', type: 'text', nullable: true })
  arsPrefix!: string | null;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents!: number;

  @Column('text')
  purpose!: string;

  @Column('text')
  description!: string;

  @Column({ name: 'booking_data', type: 'jsonb' })
  bookingData!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
