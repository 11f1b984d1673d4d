import { Column, Entity, PrimaryColumn } from 'typeorm';

export type TenantKind = 'LAND' | 'KOMMUNE';

/** A Land or Kommune attached to this installation (EfA: one installation serves many). */
@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryColumn('text')
  id!: string;

  @Column('text')
  kind!: TenantKind;

  @Column('text')
  name!: string;

  /** Amtlicher Regionalschlüssel of the tenant (2 digits for a Land, up to 12 for a Gemeinde). */
  @Column('text')
  ars!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
