import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A genericode code list version; shared by all tenants (like FIM schemas), immutable while a schema pins it. */
@Entity({ name: 'code_lists' })
export class CodeListRecord {
  @PrimaryColumn({ name: 'canonical_version_uri', type: 'text' })
  canonicalVersionUri!: string;

  @Column({ name: 'canonical_uri', type: 'text' })
  canonicalUri!: string;

  @Column('text')
  version!: string;

  @Column({ name: 'short_name', type: 'text', nullable: true })
  shortName!: string | null;

  @Column({ name: 'long_name', type: 'text', nullable: true })
  longName!: string | null;

  @Column({ name: 'row_count', type: 'integer' })
  rowCount!: number;

  /** The uploaded genericode document (UTF-8), gzip-compressed: what the catalog event carries as is. */
  @Column({ name: 'genericode_gzip', type: 'bytea' })
  genericodeGzip!: Buffer;

  @Column({ name: 'genericode_bytes', type: 'integer' })
  genericodeBytes!: number;

  @Column({ name: 'genericode_sha256', type: 'text' })
  genericodeSha256!: string;

  @Column({ name: 'uploaded_by', type: 'text' })
  uploadedBy!: string;

  @Column({ name: 'uploaded_by_tenant', type: 'text' })
  uploadedByTenant!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** A stored schema version uses a stored code list (its pin); the foreign key keeps the list from being deleted. */
@Entity({ name: 'fim_schema_code_lists' })
export class FimSchemaCodeList {
  @PrimaryColumn({ name: 'schema_id', type: 'text' })
  schemaId!: string;

  @PrimaryColumn('text')
  version!: string;

  @PrimaryColumn({ name: 'canonical_version_uri', type: 'text' })
  canonicalVersionUri!: string;
}
