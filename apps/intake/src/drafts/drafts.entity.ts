import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A form in progress. Owned by an account, or (anonymous Leistungen) by whoever holds its access token. */
@Entity({ name: 'drafts' })
export class Draft {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  tenant!: string;

  @Column({ name: 'leika_key', type: 'text' })
  leikaKey!: string;

  @Column({ name: 'owner_key', type: 'text', nullable: true })
  ownerKey!: string | null;

  @Column({ name: 'acted_by_key', type: 'text', nullable: true })
  actedByKey!: string | null;

  @Column({ name: 'access_token_sha256', type: 'text', nullable: true })
  accessTokenSha256!: string | null;

  @Column({ type: 'text', nullable: true })
  ars!: string | null;

  @Column('jsonb')
  data!: Record<string, unknown>;

  /** The consent to a digital Bescheid as the portal last sent it; null not asked yet. */
  @Column({ name: 'digital_bescheid_consent', type: 'boolean', nullable: true })
  digitalBescheidConsent!: boolean | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
