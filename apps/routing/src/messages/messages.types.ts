import type { ValidationReport } from '@amtsbote/xoev';

export const MESSAGE_KINDS = ['submission', 'citizen-reply'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const MESSAGE_STATES = [
  'BUILDING',
  'SENDING',
  'AVAILABLE',
  'DELIVERED',
  'DEAD',
  'REJECTED',
  'EXPIRED',
  'ABANDONED',
] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export type DeadReason =
  'INVALID_MESSAGE' | 'TOO_LARGE' | 'ATTACHMENT_UNAVAILABLE' | 'REFUSED_BY_RECEIVER' | 'UNDELIVERABLE';

/** What the builder needs of a submission (from `submission.ready`); purged after the retention time. */
export interface SubmissionInput {
  kind: 'submission';
  leikaKey: string;
  leistungName: string;
  ars: string;
  submittedAt: string;
  applicant: { kind: 'person' | 'organisation' | 'anonymous'; trustLevel: number };
  fimSchema: { id: string; version: string };
  data: Record<string, unknown>;
  payment?: {
    transactionReference: string;
    transactionId: string;
    transactionUrl?: string;
    paymentMethod: string;
    paymentMethodDetail?: string;
    status: 'BOOKED' | 'INITIATED';
    grossAmount: number;
  };
  /** Explicit consent to a digital Bescheid (false refused; absent not asked). */
  digitalBescheidConsent?: boolean;
  /** BundID/DeutschlandID mailbox and application id from the citizen's token (personal data: never logged). */
  idBundDe?: { mailboxUuid?: string; applicationId?: string };
}

/** A citizen's answer from the Postkorb, on its way to the submission's Fachverfahren. */
export interface CitizenReplyInput {
  kind: 'citizen-reply';
  replyId: string;
  inReplyTo?: string;
  text: string;
  at: string;
  actedByRepresentative: boolean;
}

export type MessageInput = SubmissionInput | CitizenReplyInput;

export interface DeadLetterReport {
  summary: string;
  reports?: ValidationReport[];
  httpStatus?: number;
  responseExcerpt?: string;
}

export interface MessageRecord {
  id: string;
  kind: MessageKind;
  submissionId: string;
  replyId: string | null;
  tenant: string;
  vorgangsnummer: string;
  destinationId: string;
  format: string;
  channel: string;
  input: MessageInput | null;
  state: MessageState;
  attempts: number;
  cycleStartedAt: Date;
  dueAt: Date | null;
  lastError: string | null;
  deadReason: DeadReason | null;
  deadReport: DeadLetterReport | null;
  deadAt: Date | null;
  builtAt: Date | null;
  payload: Buffer | null;
  payloadFilename: string | null;
  payloadMediaType: string | null;
  payloadSize: number | null;
  payloadSha512: string | null;
  metadata: Buffer | null;
  /** Whether there is metadata (loaded or not). */
  hasMetadata: boolean;
  encrypted: boolean;
  createdAt: Date;
  availableAt: Date | null;
  deliveredAt: Date | null;
  fetchedAt: Date | null;
  rejectedAt: Date | null;
  receiptAt: Date | null;
  purgedAt: Date | null;
  /** What the channel keeps for this message (loaded with the payload; else null). */
  channelState: unknown;
}

export interface AttachmentRecord {
  messageId: string;
  attachmentId: string;
  position: number;
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
  sourceUrl: string | null;
  sourceExpiresAt: Date | null;
  content: Buffer | null;
  /** Whether routing holds the content (loaded or not). */
  hasContent: boolean;
  encrypted: boolean;
}

/** A ready submission no active destination was responsible for; routing failed it with NO_AUTHORITY. */
export interface UnroutableRecord {
  submissionId: string;
  tenant: string;
  /** null for rows recorded before the column existed. */
  vorgangsnummer: string | null;
  leikaKey: string;
  ars: string;
  reason: string;
  at: Date;
}
