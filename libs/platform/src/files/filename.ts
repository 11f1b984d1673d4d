/**
 * C0 and C1 controls (line breaks, NUL, ESC …), the line and paragraph separators (U+2028, U+2029) and the
 * invisible format characters (Unicode category Cf): the bidi controls LRE … RLO (U+202A–U+202E), LRI …
 * PDI (U+2066–U+2069), LRM, RLM and ALM, the zero-width space (U+200B), word joiner (U+2060), byte order
 * mark (U+FEFF), soft hyphen, tag characters and the like, and lone surrogates. A bidi control makes `rechnung\u202Efdp.exe`
 * show as `rechnungexe.pdf`, a zero-width character makes two names look the same; none belongs in a file
 * name. Zero-width (non-)joiners (U+200C, U+200D) stay: they shape Persian words and emoji sequences.
 */
const INVISIBLE = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}"]/gu;

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
