import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How one code list the schema references was resolved at upload (`validator.plan.codeLists`). */
export interface StoredCodeListResolution {
  requested: string;
  canonicalUri?: string;
  version?: string;
  status: 'exact' | 'newest' | 'pinned' | 'missing';
  resolved?: string;
  resolvedVersion?: string;
  fields: string[];
}

export interface StoredIssue {
  code: string;
  message: string;
  xmlPath?: string;
  line?: number;
  column?: number;
  elementId?: string;
  /** For code-list warnings: the resolution they are about. */
  codeList?: StoredCodeListResolution;
}

/** An uploaded XDatenfelder schema; immutable per id and version. Shared by all tenants (FIM is national). */
@Entity({ name: 'fim_schemas' })
export class FimSchemaRecord {
  @PrimaryColumn({ name: 'schema_id', type: 'text' })
  schemaId!: string;

  @PrimaryColumn('text')
  version!: string;

  @Column('text')
  name!: string;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column('text')
  generation!: 'xdf2' | 'xdf3';

  @Column({ name: 'message_type', type: 'text' })
  messageType!: string;

  /** The uploaded XML, unchanged. */
  @Column('text')
  xdf!: string;

  @Column({ name: 'xdf_sha256', type: 'text' })
  xdfSha256!: string;

  @Column({ name: 'allow_unknown_code_lists', type: 'boolean', default: false })
  allowUnknownCodeLists!: boolean;

  @Column({ type: 'jsonb', default: [] })
  warnings!: StoredIssue[];

  /**
   * The code-list resolution this version was accepted with (requested URI -> canonicalVersionUri), repeated
   * on every compile so the version validates the same everywhere, also after newer lists arrive.
   */
  @Column({ name: 'code_list_pins', type: 'jsonb', default: {} })
  codeListPins!: Record<string, string>;

  @Column({ name: 'code_lists', type: 'jsonb', default: [] })
  codeLists!: StoredCodeListResolution[];

  @Column({ name: 'uploaded_by', type: 'text' })
  uploadedBy!: string;

  @Column({ name: 'uploaded_by_tenant', type: 'text' })
  uploadedByTenant!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
