import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../common/bigint.transformer';

/** A Leistung as one tenant offers it: which FIM schema, who may submit, where, and with which attachments. */
@Entity({ name: 'leistungen' })
export class Leistung {
  @PrimaryColumn('text')
  tenant!: string;

  @PrimaryColumn({ name: 'leika_key', type: 'text' })
  leikaKey!: string;

  @Column({ name: 'name_de', type: 'text' })
  nameDe!: string;

  @Column({ name: 'name_en', type: 'text', nullable: true })
  nameEn!: string | null;

  @Column({ name: 'schema_id', type: 'text' })
  schemaId!: string;

  @Column({ name: 'schema_version', type: 'text' })
  schemaVersion!: string;

  @Column({ name: 'min_trust_level', type: 'smallint' })
  minTrustLevel!: number;

  @Column({ name: 'anonymous_allowed', type: 'boolean' })
  anonymousAllowed!: boolean;

  /** ARS prefixes the Leistung is offered in. */
  @Column({ type: 'text', array: true })
  regions!: string[];

  @Column({ name: 'attachment_max_count', type: 'integer' })
  attachmentMaxCount!: number;

  @Column({ name: 'attachment_max_file_bytes', type: 'bigint', transformer: bigintAsNumber })
  attachmentMaxFileBytes!: number;

  @Column({ name: 'attachment_max_total_bytes', type: 'bigint', transformer: bigintAsNumber })
  attachmentMaxTotalBytes!: number;

  @Column({ name: 'attachment_media_types', type: 'text', array: true })
  attachmentMediaTypes!: string[];

  @Column({ name: 'draft_lifetime_seconds', type: 'integer' })
  draftLifetimeSeconds!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

/** Is `mediaType` on the allow-list (which may hold `type/*` wildcards)? */
export function mediaTypeAllowed(allowList: readonly string[], mediaType: string): boolean {
  const [type] = mediaType.split('/');
  return allowList.some((allowed) => allowed === mediaType || allowed === `${type}/*`);
}

/**
 * Does the Leistung stay within its tenant's area (ARS)? A Leistung published for another area (before an
 * operator corrected the tenant's ARS) is not offered until its regions are corrected.
 */
export function withinArea(regions: readonly string[], tenantArs: string): boolean {
  return regions.every((region) => region.startsWith(tenantArs));
}

/** Is the ARS inside one of the offered regions (ARS prefixes)? */
export function regionOffered(regions: readonly string[], ars: string): boolean {
  return regions.some((prefix) => ars.startsWith(prefix));
}
