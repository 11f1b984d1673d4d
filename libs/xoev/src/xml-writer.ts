/** Characters XML 1.0 can carry (everything else, e.g. most C0 controls, is refused before writing). */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export class XmlWriteError extends Error {
  override name = 'XmlWriteError';
}

export function isXmlText(text: string): boolean {
  return !NOT_XML_CHAR.test(text);
}

export function escapeText(text: string): string {
  if (!isXmlText(text)) throw new XmlWriteError('text contains characters that XML 1.0 cannot represent');
  // \r is escaped so that a parser's line-end normalisation does not change the value.
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

export type XmlAttributes = Record<string, string | number | boolean | undefined>;

function attributes(attrs: XmlAttributes | undefined): string {
  if (attrs === undefined) return '';
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${name}="${escapeAttribute(String(value))}"`;
  }
  return out;
}

/**
 * A small streaming XML writer: elements are opened and closed in order, text is escaped, two-space
 * indentation. It never writes a DOCTYPE or entity declaration.
 */
export class XmlWriter {
  private readonly parts: string[] = [];
  private readonly stack: string[] = [];

  declaration(): this {
    this.parts.push('<?xml version="1.0" encoding="UTF-8"?>\n');
    return this;
  }

  private indent(): string {
    return '  '.repeat(this.stack.length);
  }

  open(name: string, attrs?: XmlAttributes): this {
    this.parts.push(`${this.indent()}<${name}${attributes(attrs)}>\n`);
    this.stack.push(name);
    return this;
  }

  close(name?: string): this {
    const top = this.stack.pop();
    if (top === undefined || (name !== undefined && top !== name)) {
      throw new XmlWriteError(`closing ${name ?? '(any)'} but the open element is ${top ?? 'none'}`);
    }
    this.parts.push(`${this.indent()}</${top}>\n`);
    return this;
  }

  /** `<name>text</name>`; skipped when `text` is undefined. */
  leaf(name: string, text: string | number | boolean | undefined, attrs?: XmlAttributes): this {
    if (text === undefined) return this;
    this.parts.push(`${this.indent()}<${name}${attributes(attrs)}>${escapeText(String(text))}</${name}>\n`);
    return this;
  }

  empty(name: string, attrs?: XmlAttributes): this {
    this.parts.push(`${this.indent()}<${name}${attributes(attrs)}/>\n`);
    return this;
  }

  /**
   * Inserts an already serialised, well-formed fragment (e.g. FIM data from `@amtsbote/fim`) unchanged: it
   * is not re-indented, because text content may itself contain line breaks. An XML declaration at its start
   * is dropped.
   */
  fragment(xml: string): this {
    this.parts.push(`${xml.replace(/^\s*<\?xml[^?]*\?>\s*/, '').trimEnd()}\n`);
    return this;
  }

  toString(): string {
    if (this.stack.length > 0) throw new XmlWriteError(`unclosed elements: ${this.stack.join(' > ')}`);
    return this.parts.join('');
  }
}
