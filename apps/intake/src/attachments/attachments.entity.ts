import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from '../common/bigint.transformer';

/**
 * An uploaded file: first part of a draft, then of the submission that referenced it. The bytes live in the
 * attachment store under `storageKey`; after the purge only the metadata and the hash remain.
 */
@Entity({ name: 'attachments' })
export class AttachmentRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  tenant!: string;

  @Column({ name: 'leika_key', type: 'text' })
  leikaKey!: string;

  @Column({ name: 'owner_key', type: 'text', nullable: true })
  ownerKey!: string | null;

  @Column({ name: 'draft_id', type: 'uuid', nullable: true })
  draftId!: string | null;

  @Column({ name: 'submission_id', type: 'uuid', nullable: true })
  submissionId!: string | null;

  /** Sanitised client file name; null after the purge. */
  @Column({ type: 'text', nullable: true })
  filename!: string | null;

  /** Detected from the bytes, never taken from the client. */
  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  size!: number;

  /** SHA-512 of the content, lowercase hex. */
  @Column('text')
  sha512!: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt!: Date | null;
}
