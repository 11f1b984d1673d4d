/*
 * RFC 3339 checks for the JSON Schema formats `date`, `time` and `date-time`. They follow the "full"
 * semantics of ajv-formats exactly (time needs a UTC offset; leap seconds only at 23:59 UTC), so that the
 * validator and any ajv consumer of the exported JSON Schema agree on every value.
 */

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeapYear(year) ? 29 : DAYS[month]);
}

const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;

export function isTime(s: string): boolean {
  const m = TIME.exec(s);
  if (!m || m[4] === undefined) return false;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3]);
  const sign = m[5] === '-' ? -1 : 1;
  const offH = Number(m[6] ?? 0);
  const offM = Number(m[7] ?? 0);
  if (offH > 23 || offM > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second is only valid at 23:59 UTC.
  const utcMinute = minute - offM * sign;
  const utcHour = hour - offH * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}

const SEPARATOR = /t|\s/i;

export function isDateTime(s: string): boolean {
  const parts = s.split(SEPARATOR);
  return parts.length === 2 && isDate(parts[0]) && isTime(parts[1]);
}

/** Number of Unicode code points, as JSON Schema counts string length. */
export function codePointLength(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    n++;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/**
 * Decimal places of tolerance for `multipleOf` (currency). Binary floating point makes `amount / 0.01` drift
 * from the integer by up to ~2e-16 times its size, so an exact check rejects plain amounts like 0.07 and a
 * tolerance of 1e-9 rejects amounts above a few million. 1e-3 cent keeps amounts up to 10^10 exact.
 * Consumers of the JSON Schema must validate with the same precision (ajv: `multipleOfPrecision: 3`).
 */
export const MULTIPLE_OF_PRECISION = 3;

/** At most two decimals, with the same tolerance as ajv's `multipleOfPrecision`. */
export function isCurrency(n: number): boolean {
  const q = n / 0.01;
  return !(Math.abs(Math.round(q) - q) > 1e-3);
}

/** Parses a FIM minValue/maxValue: decimal point or comma, no grouping. */
export function parseDecimal(s: string): number | undefined {
  const t = s.trim().replace(',', '.');
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Decimal text without exponent, as xs:decimal requires. */
export function toDecimalString(n: number): string {
  if (Number.isInteger(n)) return BigInt(n).toString();
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const fixed = n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}
