import { createHash } from 'node:crypto';
import { DIN_91379_C_PATTERN, type FimSchema } from '@amtsbote/fim';

const DIN_91379_C = new RegExp(DIN_91379_C_PATTERN, 'u');

/** An authority as the DVDV knows it: `präfix:kennung` (e.g. `psw:01003110`) and a display name. */
export interface Authority {
  identity: string;
  name: string;
}

export interface DvdvIdentity {
  praefix: string;
  kennung: string;
}

const DVDV = /^([a-z0-9]{2,10}):([^\s:][^\s]{0,99})$/i;

export function parseDvdvIdentity(identity: string): DvdvIdentity {
  const m = DVDV.exec(identity);
  if (!m) throw new Error(`"${identity}" is not a DVDV identity (präfix:kennung, e.g. psw:01003110)`);
  return { praefix: m[1].toLowerCase(), kennung: m[2] };
}

export function isDvdvIdentity(identity: string): boolean {
  return DVDV.test(identity);
}

/** DIN 91379 datatype C (the repertoire XÖV headers allow for names and identifiers). */
export function isDin91379C(text: string): boolean {
  return DIN_91379_C.test(text);
}

export interface MessageAttachment {
  attachmentId: string;
  filename: string;
  mediaType: string;
  size: number;
  /** SHA-512, lowercase hex. */
  sha512: string;
}

export interface MessagePayment {
  transactionId: string;
  transactionReference: string;
  transactionUrl?: string;
  paymentMethod: string;
  paymentMethodDetail?: string;
  status: 'BOOKED' | 'INITIATED';
  grossAmount: number;
}

/** Everything a message builder needs about one submission, independent of the event that carried it. */
export interface SubmissionMessageInput {
  /** Stable across re-sends (ProzessID, nachrichtenUUID). */
  messageId: string;
  submissionId: string;
  vorgangsnummer: string;
  leikaKey: string;
  leistungName: string;
  ars: string;
  submittedAt: string;
  /** When the message was built (Erstellungszeitpunkt); stored with the message, so re-sends keep it. */
  createdAt: string;
  applicant: { kind: 'person' | 'organisation' | 'anonymous'; trustLevel: number };
  schema: FimSchema;
  /** FIM data keyed by element ids, as validated by intake. */
  data: Record<string, unknown>;
  attachments: MessageAttachment[];
  payment?: MessagePayment;
  sender: Authority;
  recipient: Authority;
  /** Product attributes of XÖV messages. */
  product: { name: string; vendor: string; version: string };
  /** Marks a message as a test message (XÖV attribute `test`). */
  test?: boolean;
}

export function sha512Hex(content: string | Uint8Array): string {
  return createHash('sha512').update(content).digest('hex');
}

/** A name-based UUID (RFC 9562 version 5 layout over SHA-1): the same inputs give the same id on every build. */
export function deterministicUuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A file name safe inside a ZIP and in `Dateiname` (no path, no control characters). */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^\.+/, '_');
  return (cleaned === '' ? 'file' : cleaned).slice(0, 200);
}
