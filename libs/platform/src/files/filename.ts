/**
 * C0 and C1 controls (line breaks, NUL, ESC …) and the Unicode bidi controls: LRE, RLE, PDF, LRO, RLO
 * (U+202A–U+202E), LRI, RLI, FSI, PDI (U+2066–U+2069), LRM, RLM (U+200E, U+200F) and ALM (U+061C). A bidi
 * control makes `rechnung\u202Efdp.exe` show as `rechnungexe.pdf`; none belongs in a file name.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"]/g;

/** Longest stored name, in characters (code points). */
export const MAX_FILENAME_CHARS = 255;

/**
 * A file name safe to store, to show and to put into Content-Disposition: the base name only (a browser may
 * send a whole Windows path), without control, bidi-control or quote characters, in NFC, at most 255
 * characters, and never empty, `.` or `..` (then `fallback`).
 */
export function sanitizeFilename(name: string | undefined, fallback: string): string {
  const base = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(INVISIBLE, '').trim();
  const cut = [...clean].slice(0, MAX_FILENAME_CHARS).join('').trim();
  return cut === '' || cut === '.' || cut === '..' ? fallback : cut;
}
