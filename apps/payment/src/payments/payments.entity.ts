import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProviderKind } from '../providers/provider';

/** What payment knows of a submission (from `submission.submitted`): whose it is and whether a fee is due. */
@Entity({ name: 'submissions' })
export class SubmissionEntity {
  @PrimaryColumn({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @Column('text')
  tenant!: string;

  @Column('text')
  vorgangsnummer!: string;

  @Column({ name: 'leika_key', type: 'text' })
  leikaKey!: string;

  @Column('text')
  ars!: string;

  /** The account the submission belongs to; null for anonymous submissions. */
  @Column({ name: 'owner_key', type: 'text', nullable: true })
  ownerKey!: string | null;

  @Column({ name: 'fee_required', type: 'boolean' })
  feeRequired!: boolean;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}

export const TRANSACTION_STATES = ['INITIAL', 'PAYED', 'FAILED', 'CANCELED', 'EXPIRED'] as const;
export type TransactionState = (typeof TRANSACTION_STATES)[number];

/**
 * One payment of a submission's fee. The amount and texts are fixed when the fee is looked up; the state
 * changes only from `INITIAL`, and only on the provider's answer to our status query (or the deadline).
 */
@Entity({ name: 'transactions' })
export class TransactionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @Column('text')
  tenant!: string;

  @Column({ name: 'fee_id', type: 'uuid', nullable: true })
  feeId!: string | null;

  @Column({ name: 'amount_cents', type: 'integer' })
  amountCents!: number;

  @Column('text')
  currency!: 'EUR';

  @Column('text')
  purpose!: string;

  @Column('text')
  description!: string;

  @Column({ name: 'item_reference', type: 'text' })
  itemReference!: string;

  @Column({ name: 'booking_data', type: 'jsonb' })
  bookingData!: Record<string, string>;

  @Column('text')
  state!: TransactionState;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Our requestId at the provider for the next creation attempt (rotated after an uncertain failure). */
  @Column({ name: 'request_id', type: 'text' })
  requestId!: string;

  /** Secret part of our return and notification URLs; without it a callback is not even looked at. */
  @Column({ name: 'callback_token', type: 'text', select: true })
  callbackToken!: string;

  @Column({ name: 'provider_kind', type: 'text', nullable: true })
  providerKind!: ProviderKind | null;

  @Column({ name: 'provider_environment', type: 'text', nullable: true })
  providerEnvironment!: 'test' | 'production' | null;

  @Column({ name: 'provider_transaction_id', type: 'text', nullable: true })
  providerTransactionId!: string | null;

  @Column({ name: 'provider_status_url', type: 'text', nullable: true })
  providerStatusUrl!: string | null;

  @Column({ name: 'provider_redirect_url', type: 'text', nullable: true })
  providerRedirectUrl!: string | null;

  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference!: string | null;

  @Column({ name: 'portal_return_url', type: 'text', nullable: true })
  portalReturnUrl!: string | null;

  @Column({ name: 'payment_method', type: 'text', nullable: true })
  paymentMethod!: string | null;

  @Column({ name: 'payment_method_detail', type: 'text', nullable: true })
  paymentMethodDetail!: string | null;

  @Column({ name: 'status_detail', type: 'text', nullable: true })
  statusDetail!: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'last_checked_at', type: 'timestamptz', nullable: true })
  lastCheckedAt!: Date | null;

  @Column({ name: 'check_count', type: 'integer' })
  checkCount!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
