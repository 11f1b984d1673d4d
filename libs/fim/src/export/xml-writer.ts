/** Minimal XML serialisation helpers shared by the XML and XSD exports. */

/** `true` if the string can be represented in XML 1.0 (Char production, surrogates paired). */
export function isXmlText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x9 && c !== 0xa && c !== 0xd) return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      return false;
    }
  }
  return true;
}

export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;',
  );
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
    for (const [k, v] of Object.entries(attrs))
      if (v !== undefined) out += ` ${k}="${escapeAttr(String(v))}"`;
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
