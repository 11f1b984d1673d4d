import { sanitizeFilename } from './filename';

/** What a file is called when its name has nothing left to show. */
export const FALLBACK_FILENAME = 'download';

/**
 * `Content-Disposition: attachment` per RFC 6266: an ASCII `filename` fallback for old clients and the exact
 * name as `filename*` (RFC 8187, UTF-8, percent-encoded), so "Bescheid Müller.pdf" arrives intact.
 */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  // Stored names are clean already; this also covers rows from before the cleaning and every other caller.
  const name = sanitizeFilename(filename, FALLBACK_FILENAME);
  const fallback = asciiFallback(name);
  const header = `${type}; filename="${fallback}"`;
  if (fallback === name) return header;
  return `${header}; filename*=UTF-8''${encodeRfc8187(name)}`;
}

const FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss' };

function asciiFallback(name: string): string {
  return name
    .replace(/[äöüÄÖÜß]/g, (c) => FOLD[c] ?? '_')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
}

/** RFC 8187 `value-chars`: attr-char stays, everything else is percent-encoded UTF-8. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
