/**
 * Money is integer cents everywhere in Amtsbote. Only at the provider boundary (XBezahldienste and the
 * FIT-Connect `paymentInformation` carry euros as JSON numbers) is it converted, and back again exactly.
 */
export function centsToEuros(cents: number): number {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer amount of cents: ${cents}`);
  // Division of an integer by 100 is exact to two decimals in its shortest decimal representation.
  return cents / 100;
}

/** Euros from a provider (number or decimal string) to cents; undefined when not a whole number of cents. */
export function eurosToCents(euros: number | string): number | undefined {
  const text = typeof euros === 'number' ? String(euros) : euros.trim();
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

/** 1234 → "12,34 EUR", for pages and logs. */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')} EUR`;
}
