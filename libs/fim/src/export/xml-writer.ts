/** Minimal XML serialisation helpers shared by the XML and XSD exports. */

// XML 1.0 Char production without the characters that need escaping.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `true` if the string can be represented in XML 1.0. */
export function isXmlText(s: string): boolean {
  return !INVALID_XML_CHAR.test(s);
}

export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}

/** Makes a string usable as an XML NCName (type names). */
export function toNcName(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** Line-based builder with indentation. */
export class XmlBuilder {
  private readonly lines: string[] = [];
  private depth = 0;

  constructor(private readonly indent = '  ') {}

  private pad(): string {
    return this.indent.repeat(this.depth);
  }

  private static attrs(attrs: Readonly<Record<string, string | number | undefined>>): string {
    let out = '';
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out += ` ${k}="${escapeAttr(String(v))}"`;
    return out;
  }

  open(name: string, attrs: Readonly<Record<string, string | number | undefined>> = {}): this {
    this.lines.push(`${this.pad()}<${name}${XmlBuilder.attrs(attrs)}>`);
    this.depth++;
    return this;
  }

  close(name: string): this {
    this.depth--;
    this.lines.push(`${this.pad()}</${name}>`);
    return this;
  }

  empty(name: string, attrs: Readonly<Record<string, string | number | undefined>> = {}): this {
    this.lines.push(`${this.pad()}<${name}${XmlBuilder.attrs(attrs)}/>`);
    return this;
  }

  leaf(name: string, text: string, attrs: Readonly<Record<string, string | number | undefined>> = {}): this {
    this.lines.push(`${this.pad()}<${name}${XmlBuilder.attrs(attrs)}>${escapeText(text)}</${name}>`);
    return this;
  }

  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
