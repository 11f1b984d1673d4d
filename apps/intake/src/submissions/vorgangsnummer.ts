const BERLIN_YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric' });

/** The calendar year in Germany at `at` (a submission at 00:30 on 1 January belongs to the new year). */
export function germanYear(at: Date): number {
  return Number(BERLIN_YEAR.format(at));
}

/** `HB-2026-000123`: tenant, year, a number counted per tenant and year (six digits, more when needed). */
export function formatVorgangsnummer(tenant: string, year: number, n: number): string {
  return `${tenant.toUpperCase()}-${year}-${String(n).padStart(6, '0')}`;
}
