import { z } from 'zod';

/** LeiKa key of a Leistung, e.g. 99050012104000. */
export const leikaKey = z.string().regex(/^99\d{12}$/, 'LeiKa key: 99 followed by 12 digits');

/** Amtlicher Regionalschlüssel or a prefix of it (2, 3, 5, 9 or 12 digits). */
export const ars = z.string().regex(/^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$/, 'ARS: 2, 3, 5, 9 or 12 digits');

/** Who a principal is across services: `<issuer>|<subject>` (see principalKey in @amtsbote/platform). */
export const accountKey = z.string().min(3).max(1000);

export const tenantId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

export const bilingual = z.object({ de: z.string(), en: z.string() });

/**
 * A file owned by another service: never the bytes, only where to fetch them once (a short-lived signed
 * URL) and how to check them.
 */
export const fileReference = z.object({
  fileId: z.string().uuid(),
  filename: z.string().min(1).max(255),
  mediaType: z.string().min(3).max(255),
  size: z.number().int().nonnegative(),
  /** SHA-512 of the content, lowercase hex. */
  sha512: z.string().regex(/^[0-9a-f]{128}$/),
  url: z.string().url(),
  urlExpiresAt: z.string().datetime(),
});

/** The applicant as intake knows them; absent account for anonymous submissions. */
export const applicant = z.object({
  /** The account the submission belongs to (the organisation when someone acts for it). */
  ownerKey: accountKey.nullable(),
  kind: z.enum(['person', 'organisation', 'anonymous']),
  /** The person who acted, when a representative submitted for an organisation. */
  actedByKey: accountKey.optional(),
  trustLevel: z.number().int().min(0).max(4),
});

/** Citizen-visible processing states of a submission (intake's state machine). */
export const submissionStatus = z.enum([
  'SUBMITTED',
  'AWAITING_PAYMENT',
  'READY',
  'ROUTED',
  'DELIVERED',
  'RECEIVED',
  'PROCESSING',
  'ACTION_REQUIRED',
  'COMPLETED',
  'CANCELLED',
  'EXPIRED',
  'FAILED',
]);

/** FIT-Connect `paymentInformation` shape, carried to the Fachverfahren. */
export const paymentInformation = z.object({
  transactionReference: z.string().max(36),
  transactionId: z.string().max(36),
  transactionUrl: z.string().url().optional(),
  paymentMethod: z.enum(['CREDITCARD', 'GIROPAY', 'PAYPAL', 'PAYDIRECT', 'INVOICE', 'OTHER']),
  paymentMethodDetail: z.string().max(36).optional(),
  status: z.enum(['BOOKED', 'INITIATED']),
  grossAmount: z.number().nonnegative(),
});
