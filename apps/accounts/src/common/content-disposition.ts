/**
 * `Content-Disposition: attachment` per RFC 6266: an ASCII `filename` fallback for old clients and the exact
 * name as `filename*` (RFC 8187, UTF-8, percent-encoded), so "Bescheid Müller.pdf" arrives intact.
 */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const name = cleanFilename(filename);
  const fallback = asciiFallback(name);
  const header = `${type}; filename="${fallback}"`;
  if (fallback === name) return header;
  return `${header}; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** Strips what must never reach a header or a file system: control characters and path separators. */
export function cleanFilename(filename: string): string {
  const base = filename
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[/\\]/g, '_')
    .trim();
  const safe = base === '' || base === '.' || base === '..' ? 'download' : base;
  return safe.length > 255 ? safe.slice(0, 255) : safe;
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
