import type { CitizenStatus, MessageCategory, Outcome, SenderKind } from './postkorb.model';

// The rows of the Postkorb's tables (messages and their files) and their records, shared by its repositories.

export interface MessageRecord {
  id: string;
  ownerKey: string;
  direction: 'in' | 'out';
  category: MessageCategory;
  sourceEventId: string | null;
  submissionId: string | null;
  vorgangsnummer: string | null;
  leikaKey: string | null;
  tenant: string | null;
  senderKind: SenderKind;
  senderName: string;
  subject: string;
  body: string;
  bodyHtml: string | null;
  subjectEn: string | null;
  bodyEn: string | null;
  status: CitizenStatus | null;
  outcome: Outcome | null;
  authorityRef: string | null;
  inReplyTo: string | null;
  actedByKey: string | null;
  createdAt: Date;
  readAt: Date | null;
  attachmentCount: number;
}

export type NewMessage = Omit<MessageRecord, 'createdAt' | 'readAt' | 'attachmentCount'>;

export interface FileRecord {
  id: string;
  ownerKey: string;
  messageId: string | null;
  origin: 'authority' | 'upload';
  position: number;
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
  state: 'pending' | 'stored' | 'failed';
  sourceUrl: string | null;
  sourceExpiresAt: Date | null;
  attempts: number;
  uploadedByKey: string | null;
  createdAt: Date;
}

/** A file row as it is first written: not yet failed, no attempts, the optional columns left out. */
export type NewFile = Omit<
  FileRecord,
  'state' | 'sourceUrl' | 'sourceExpiresAt' | 'attempts' | 'uploadedByKey' | 'createdAt'
> & {
  state: 'pending' | 'stored';
  sourceUrl?: string;
  sourceExpiresAt?: Date;
  uploadedByKey?: string;
};

export interface MessageFilter {
  unread?: boolean;
  category?: MessageCategory;
  submissionId?: string;
}

export interface MessageRow {
  id: string;
  owner_key: string;
  direction: 'in' | 'out';
  category: MessageCategory;
  source_event_id: string | null;
  submission_id: string | null;
  vorgangsnummer: string | null;
  leika_key: string | null;
  tenant: string | null;
  sender_kind: SenderKind;
  sender_name: string;
  subject: string;
  body: string;
  body_html: string | null;
  subject_en: string | null;
  body_en: string | null;
  status: CitizenStatus | null;
  outcome: Outcome | null;
  authority_ref: string | null;
  in_reply_to: string | null;
  acted_by_key: string | null;
  created_at: Date;
  read_at: Date | null;
  attachment_count: string | number;
}

export interface FileRow {
  id: string;
  owner_key: string;
  message_id: string | null;
  origin: 'authority' | 'upload';
  position: number;
  filename: string;
  media_type: string;
  size: string | number;
  sha512: string;
  state: 'pending' | 'stored' | 'failed';
  source_url: string | null;
  source_expires_at: Date | null;
  attempts: number;
  uploaded_by_key: string | null;
  created_at: Date;
}

export function toMessage(r: MessageRow): MessageRecord {
  return {
    id: r.id,
    ownerKey: r.owner_key,
    direction: r.direction,
    category: r.category,
    sourceEventId: r.source_event_id,
    submissionId: r.submission_id,
    vorgangsnummer: r.vorgangsnummer,
    leikaKey: r.leika_key,
    tenant: r.tenant,
    senderKind: r.sender_kind,
    senderName: r.sender_name,
    subject: r.subject,
    body: r.body,
    bodyHtml: r.body_html,
    subjectEn: r.subject_en,
    bodyEn: r.body_en,
    status: r.status,
    outcome: r.outcome,
    authorityRef: r.authority_ref,
    inReplyTo: r.in_reply_to,
    actedByKey: r.acted_by_key,
    createdAt: r.created_at,
    readAt: r.read_at,
    attachmentCount: Number(r.attachment_count),
  };
}

export function toFile(r: FileRow): FileRecord {
  return {
    id: r.id,
    ownerKey: r.owner_key,
    messageId: r.message_id,
    origin: r.origin,
    position: r.position,
    filename: r.filename,
    mediaType: r.media_type,
    size: Number(r.size),
    sha512: r.sha512,
    state: r.state,
    sourceUrl: r.source_url,
    sourceExpiresAt: r.source_expires_at,
    attempts: r.attempts,
    uploadedByKey: r.uploaded_by_key,
    createdAt: r.created_at,
  };
}
