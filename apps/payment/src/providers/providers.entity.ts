import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProviderKind } from './provider';

/**
 * The payment provider a tenant uses, per environment (`test`, `production`). Settings hold identifiers
 * and references to credentials (environment variable names, mounted file paths), never a secret.
 */
@Entity({ name: 'provider_configs' })
export class ProviderConfigEntity {
  @PrimaryColumn('text')
  tenant!: string;

  @PrimaryColumn('text')
  environment!: 'test' | 'production';

  @Column('text')
  kind!: ProviderKind;

  @Column({ name: 'base_url', type: 'text' })
  baseUrl!: string;

  @Column('jsonb')
  settings!: Record<string, unknown>;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;
}
