import type { EventPayload, paymentSettledV1 } from '@amtsbote/contracts';
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { SubmissionStatus } from './state-machine';

export interface Receipt {
  vorgangsnummer: string;
  submittedAt: string;
  tenant: string;
  leistung: { leikaKey: string; name: string };
  fimSchema: { id: string; version: string };
  /** SHA-512 (hex) of the canonical JSON of the submitted data (RFC 8785). */
  dataSha512: string;
  hashAlgorithm: 'SHA-512';
  canonicalization: 'RFC 8785';
}

export interface StatusReason {
  code: string;
  de: string;
  en: string;
}

/** References from a BundID/DeutschlandID identity token (see `id-bund-de.ts`). */
export interface IdBundDeReferences {
  mailboxUuid?: string;
  applicationId?: string;
}

export type PaymentInformation = EventPayload<typeof paymentSettledV1>['paymentInformation'];

/** An accepted application. After the purge `data` is null; the receipt with the data hash stays. */
@Entity({ name: 'submissions' })
export class Submission {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  tenant!: string;

  @Column({ name: 'leika_key', type: 'text' })
  leikaKey!: string;

  @Column({ name: 'leistung_name', type: 'text' })
  leistungName!: string;

  @Column('text')
  vorgangsnummer!: string;

  @Column('text')
  ars!: string;

  @Column({ name: 'owner_key', type: 'text', nullable: true })
  ownerKey!: string | null;

  @Column({ name: 'acted_by_key', type: 'text', nullable: true })
  actedByKey!: string | null;

  @Column({ name: 'applicant_kind', type: 'text' })
  applicantKind!: 'person' | 'organisation' | 'anonymous';

  @Column({ name: 'trust_level', type: 'smallint' })
  trustLevel!: number;

  @Column({ name: 'schema_id', type: 'text' })
  schemaId!: string;

  @Column({ name: 'schema_version', type: 'text' })
  schemaVersion!: string;

  @Column({ type: 'jsonb', nullable: true })
  data!: Record<string, unknown> | null;

  @Column({ name: 'data_sha512', type: 'text' })
  dataSha512!: string;

  @Column('jsonb')
  receipt!: Receipt;

  @Column({ name: 'receipt_token_sha256', type: 'text', nullable: true })
  receiptTokenSha256!: string | null;

  @Column('text')
  status!: SubmissionStatus;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt!: Date;

  @Column({ type: 'jsonb', nullable: true })
  payment!: PaymentInformation | null;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt!: Date;

  /** Explicit consent to a digital Bescheid: false refused, null not asked. */
  @Column({ name: 'digital_bescheid_consent', type: 'boolean', nullable: true })
  digitalBescheidConsent!: boolean | null;

  /** BundID/DeutschlandID mailbox and application id from the token; null without, and after the purge. */
  @Column({ name: 'id_bund_de', type: 'jsonb', nullable: true })
  idBundDe!: IdBundDeReferences | null;

  @Column({ name: 'receipt_confirmed_at', type: 'timestamptz', nullable: true })
  receiptConfirmedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt!: Date | null;
}

/** One entry of a submission's status timeline. */
@Entity({ name: 'submission_status_history' })
export class SubmissionStatusEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @Column('text')
  status!: SubmissionStatus;

  @Column({ name: 'previous_status', type: 'text', nullable: true })
  previousStatus!: SubmissionStatus | null;

  @Column('timestamptz')
  at!: Date;

  @Column({ type: 'jsonb', nullable: true })
  reason!: StatusReason | null;
}

/** A stored answer to an Idempotency-Key. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyRecord {
  @PrimaryColumn('text')
  scope!: string;

  @PrimaryColumn('text')
  key!: string;

  @Column({ name: 'request_sha256', type: 'text' })
  requestSha256!: string;

  @Column({ name: 'response_status', type: 'smallint' })
  responseStatus!: number;

  /** `json`, not `jsonb`: a replay is byte for byte the first answer (key order included). */
  @Column({ name: 'response_body', type: 'json' })
  responseBody!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** Counter behind the Vorgangsnummer, one per tenant and year. */
@Entity({ name: 'vorgangsnummer_counters' })
export class VorgangsnummerCounter {
  @PrimaryColumn('text')
  tenant!: string;

  @PrimaryColumn('integer')
  year!: number;

  @Column('bigint')
  last!: string;
}
