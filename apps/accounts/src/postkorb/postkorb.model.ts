/** The citizen-facing status model (BundID/ZBP), in this order. */
export const CITIZEN_STATUSES = [
  'INITIATED',
  'SUBMITTED',
  'RECEIVED',
  'PROCESSING',
  'ACTION_REQUIRED',
  'COMPLETED',
] as const;
export type CitizenStatus = (typeof CITIZEN_STATUSES)[number];

/** How a COMPLETED submission ended when it did not end regularly. */
export const OUTCOMES = ['REJECTED', 'CANCELLED', 'EXPIRED', 'FAILED'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Message categories; `reply` is what the citizen sent. */
export const MESSAGE_CATEGORIES = ['status', 'notice', 'request-for-action', 'payment', 'reply'] as const;
export type MessageCategory = (typeof MESSAGE_CATEGORIES)[number];

export type SenderKind = 'authority' | 'service' | 'citizen';

export interface Bilingual {
  de: string;
  en: string;
}
