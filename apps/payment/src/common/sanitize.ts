/**
 * Text limits of the XBezahldienste interface. Providers reject a request that breaks them (and some cut
 * silently), so every text is brought within them before it is stored or sent.
 */
export const XBEZAHLDIENSTE_LIMITS = {
  /** Verwendungszweck: at most 27 characters of `[\w\d\s-]` (it ends up on bank statements). */
  purpose: 27,
  description: 250,
  /** requestId, item ids and references. */
  id: 36,
  bookingDataValue: 250,
  bookingDataEntries: 20,
} as const;

const TRANSLITERATION: Readonly<Record<string, string>> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  Ä: 'Ae',
  Ö: 'Oe',
  Ü: 'Ue',
  ß: 'ss',
  ẞ: 'SS',
};

function transliterate(text: string): string {
  return text
    .replace(/[äöüÄÖÜßẞ]/g, (c) => TRANSLITERATION[c] ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cut(text: string, max: number): string {
  return [...text].slice(0, max).join('').trim();
}

/**
 * Verwendungszweck: German umlauts become ae/oe/ue/ss, other accents are dropped, everything outside
 * `[A-Za-z0-9_ -]` is removed, whitespace collapsed, cut to 27 characters.
 */
export function sanitizePurpose(text: string): string {
  const cleaned = collapse(transliterate(text).replace(/[^\w\s-]/g, ''));
  return cut(cleaned, XBEZAHLDIENSTE_LIMITS.purpose);
}

/** Free text (description, booking data values): letters incl. Latin-1/Latin Extended-A, digits, ` -,.`. */
export function sanitizeText(text: string, max: number = XBEZAHLDIENSTE_LIMITS.description): string {
  const cleaned = collapse(text.normalize('NFC').replace(/[^\w\s\-,.\u00C0-\u017F]/g, ''));
  return cut(cleaned, max);
}

/** Ids and references: `[A-Za-z0-9_-]`, at most 36 characters. */
export function sanitizeId(text: string): string {
  return cut(transliterate(text).replace(/[^\w-]/g, ''), XBEZAHLDIENSTE_LIMITS.id);
}

/** Booking data (Buchungsdaten, e.g. Haushaltsstelle, Objektnummer): sanitised keys and values, bounded. */
export function sanitizeBookingData(data: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    const k = sanitizeId(key);
    const v = sanitizeText(value, XBEZAHLDIENSTE_LIMITS.bookingDataValue);
    if (k === '' || v === '' || k in out) continue;
    out[k] = v;
    if (Object.keys(out).length >= XBEZAHLDIENSTE_LIMITS.bookingDataEntries) break;
  }
  return out;
}
