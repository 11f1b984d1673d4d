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
export function translateXsdPattern(pattern: string): TranslatedPattern | string {
  let p = pattern;
  if (p.startsWith('^')) p = p.slice(1);
  if (p.endsWith('$') && !p.endsWith('\\$')) p = p.slice(0, -1);
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '\\') {
      const next = p[i + 1];
      if (next === undefined) return 'pattern ends with a lone backslash';
      i++;
      switch (next) {
        case 'i':
        case 'I':
        case 'c':
        case 'C':
          return `the XML Schema escape \\${next} is not supported`;
        case 'p':
        case 'P': {
          const close = p.indexOf('}', i);
          const name = close === -1 ? '' : p.slice(i + 2, close);
          if (p[i + 1] !== '{' || close === -1) return `malformed \\${next} escape`;
          if (name.startsWith('Is')) return `Unicode block escapes (\\${next}{${name}}) are not supported`;
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
          return `unknown escape \\${next}`;
      }
      continue;
    }
    if (inClass) {
      if (ch === '-' && p[i + 1] === '[') return 'character class subtraction is not supported';
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
        if (p[i + 1] === ']') return 'empty character class';
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
  if (inClass) return 'unterminated character class';
  const source = `^(?:${out})$`;
  try {
    return { source, xsd: p, regex: new RegExp(source, 'u') };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
