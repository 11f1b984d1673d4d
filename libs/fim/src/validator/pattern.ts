import type { LocalizedMessage } from './messages';

/** A FIM (XML Schema) pattern prepared for both targets. */
export interface TranslatedPattern {
  /** ECMAScript source including anchors, for `new RegExp(source, 'u')` and JSON Schema `pattern`. */
  source: string;
  /** XML Schema regular expression (implicitly anchored) for the XSD export. */
  xsd: string;
  regex: RegExp;
}

/**
 * Translates an XML Schema regular expression into an anchored ECMAScript one. XSD patterns match the whole
 * value and treat `^`/`$` as ordinary characters; authors nevertheless often write `^...$`, so one leading
 * `^` and one trailing `$` are dropped. Constructs without an ECMAScript equivalent are rejected.
 */
export function translateXsdPattern(pattern: string): TranslatedPattern | LocalizedMessage {
  let p = pattern;
  if (p.startsWith('^')) p = p.slice(1);
  if (p.endsWith('$') && !p.endsWith('\\$')) p = p.slice(0, -1);
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '\\') {
      const next = p[i + 1];
      if (next === undefined)
        return {
          de: 'das Muster endet mit einem einzelnen Backslash',
          en: 'pattern ends with a lone backslash',
        };
      i++;
      switch (next) {
        case 'i':
        case 'I':
        case 'c':
        case 'C':
          return {
            de: `die XML-Schema-Escape-Sequenz \\${next} wird nicht unterstützt`,
            en: `the XML Schema escape \\${next} is not supported`,
          };
        case 'p':
        case 'P': {
          const close = p.indexOf('}', i);
          const name = close === -1 ? '' : p.slice(i + 2, close);
          if (p[i + 1] !== '{' || close === -1)
            return { de: `fehlerhafte Escape-Sequenz \\${next}`, en: `malformed \\${next} escape` };
          if (name.startsWith('Is')) {
            return {
              de: `Unicode-Block-Escapes (\\${next}{${name}}) werden nicht unterstützt`,
              en: `Unicode block escapes (\\${next}{${name}}) are not supported`,
            };
          }
          out += `\\${next}{${name}}`;
          i = close;
          break;
        }
        case 'd':
          out += '\\p{Nd}';
          break;
        case 'D':
          out += '\\P{Nd}';
          break;
        case 's':
          out += inClass ? ' \\t\\n\\r' : '[ \\t\\n\\r]';
          break;
        case 'S':
          out += inClass ? '\\S' : '[^ \\t\\n\\r]';
          break;
        case 'w':
          out += inClass ? '\\w' : '[^\\p{P}\\p{Z}\\p{C}]';
          break;
        case 'W':
          out += inClass ? '\\W' : '[\\p{P}\\p{Z}\\p{C}]';
          break;
        case '-':
          out += inClass ? '\\-' : '-';
          break;
        case 'n':
        case 'r':
        case 't':
        case '\\':
        case '|':
        case '.':
        case '?':
        case '*':
        case '+':
        case '(':
        case ')':
        case '{':
        case '}':
        case '[':
        case ']':
        case '^':
        case '$':
          out += `\\${next}`;
          break;
        default:
          return { de: `unbekannte Escape-Sequenz \\${next}`, en: `unknown escape \\${next}` };
      }
      continue;
    }
    if (inClass) {
      if (ch === '-' && p[i + 1] === '[') {
        return {
          de: 'die Subtraktion von Zeichenklassen wird nicht unterstützt',
          en: 'character class subtraction is not supported',
        };
      }
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    switch (ch) {
      case '[':
        inClass = true;
        out += ch;
        if (p[i + 1] === '^') {
          out += '^';
          i++;
        }
        if (p[i + 1] === ']') return { de: 'leere Zeichenklasse', en: 'empty character class' };
        break;
      case '.':
        out += '[^\\n\\r]';
        break;
      case '^':
      case '$':
        out += `\\${ch}`;
        break;
      default:
        out += ch;
    }
  }
  if (inClass) return { de: 'nicht abgeschlossene Zeichenklasse', en: 'unterminated character class' };
  const source = `^(?:${out})$`;
  try {
    return { source, xsd: p, regex: new RegExp(source, 'u') };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { de: `kein gültiger regulärer Ausdruck: ${why}`, en: why };
  }
}
