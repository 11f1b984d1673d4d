import { type CharSet, MAX_CODE_POINT, complement } from './charset';
import type { RegexNode } from './parse';

const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const CLASS_SYNTAX = new Set('\\]^-[');

function isPlain(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

/** One code point for an ECMAScript `u` regex, escaped where needed (`inClass`: inside `[...]`). */
function char(cp: number, inClass: boolean): string {
  if (isPlain(cp)) return String.fromCodePoint(cp);
  if (cp >= 0x20 && cp < 0x7f) {
    const ch = String.fromCodePoint(cp);
    if (inClass ? CLASS_SYNTAX.has(ch) : SYNTAX.has(ch)) return `\\${ch}`;
    return ch;
  }
  return `\\u{${cp.toString(16).toUpperCase()}}`;
}

function classBody(s: CharSet): string {
  let out = '';
  for (let i = 0; i < s.length; i += 2) {
    const lo = s[i];
    const hi = s[i + 1];
    out +=
      lo === hi
        ? char(lo, true)
        : hi === lo + 1
          ? char(lo, true) + char(hi, true)
          : `${char(lo, true)}-${char(hi, true)}`;
  }
  return out;
}

function renderSet(s: CharSet): string {
  if (s.length === 2 && s[0] === s[1]) return char(s[0], false);
  if (s.length === 2 && s[0] === 0 && s[1] === MAX_CODE_POINT) return '[^]';
  if (s.length === 0) return '[]';
  const c = complement(s);
  return c.length < s.length ? `[^${classBody(c)}]` : `[${classBody(s)}]`;
}

function render(node: RegexNode): string {
  switch (node.kind) {
    case 'set':
      return renderSet(node.set);
    case 'seq':
      return node.items.map((i) => (i.kind === 'alt' ? `(?:${render(i)})` : render(i))).join('');
    case 'alt':
      return node.items.map(render).join('|');
    case 'repeat': {
      const inner = node.node.kind === 'set' ? render(node.node) : `(?:${render(node.node)})`;
      const { min, max } = node;
      if (min === 0 && max === null) return `${inner}*`;
      if (min === 1 && max === null) return `${inner}+`;
      if (min === 0 && max === 1) return `${inner}?`;
      if (max === min) return `${inner}{${min}}`;
      return `${inner}{${min},${max ?? ''}}`;
    }
  }
}

/**
 * An anchored ECMAScript source (for `new RegExp(source, 'u')`, JSON Schema `pattern` with ajv) that matches
 * exactly the strings the XML Schema pattern matches: classes are written out as the code point sets the
 * parser computed, so no XML Schema construct needs an ECMAScript counterpart.
 */
export function toEcmaScript(node: RegexNode): string {
  return `^(?:${render(node)})$`;
}
