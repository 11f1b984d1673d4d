import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The fields of a pmPayment "classic" payment request in the order they enter the hash. Optional fields
 * that are not sent are left out of the hash as well (pmPayment's documented rule).
 */
export const PMPAYMENT_SIGNED_FIELDS = [
  'ags',
  'amount',
  'procedure',
  'desc',
  'accountingRecord',
  'txid',
  'notifyURL',
  'redirectURL',
] as const;

export type PmPaymentField = (typeof PMPAYMENT_SIGNED_FIELDS)[number];
export type PmPaymentFields = Partial<Record<PmPaymentField, string>> & {
  ags: string;
  amount: string;
  procedure: string;
  desc: string;
};

/** The string that is signed: the values of the sent fields in the fixed order, joined by `|`. */
export function pmPaymentSigningInput(fields: PmPaymentFields): string {
  return PMPAYMENT_SIGNED_FIELDS.map((f) => fields[f])
    .filter((v): v is string => v !== undefined)
    .join('|');
}

/** `hash` = lowercase hex HMAC-SHA256 of the signing input, keyed with the procedure's salt (UTF-8). */
export function pmPaymentHash(fields: PmPaymentFields, salt: string): string {
  return createHmac('sha256', Buffer.from(salt, 'utf8'))
    .update(pmPaymentSigningInput(fields), 'utf8')
    .digest('hex');
}

/** Constant-time check of a received hash (used by the simulator and for tests). */
export function pmPaymentHashMatches(fields: PmPaymentFields, salt: string, hash: string): boolean {
  const expected = Buffer.from(pmPaymentHash(fields, salt), 'utf8');
  const given = Buffer.from(hash.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
