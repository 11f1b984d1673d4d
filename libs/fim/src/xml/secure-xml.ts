import { XMLValidator } from 'fast-xml-parser';
import { FimParseError, type FimIssue, type XmlLocation } from '../errors';
import type { LocalizedMessage } from '../validator/messages';
import { type XmlElement, buildTree } from './tree';

export type { XmlElement } from './tree';

/** Limits applied before and while reading untrusted XML. */
export interface XmlReadLimits {
  /** Maximum input size in bytes (UTF-8). Default 20 MiB. */
  maxBytes?: number;
  /** Maximum element nesting depth. Default 200. */
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 200;

export interface XmlDocument {
  readonly root: XmlElement;
  locate(pos: number): XmlLocation;
}

function lineStarts(input: string): number[] {
  const starts = [0];
  for (let i = input.indexOf('\n'); i !== -1; i = input.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function makeLocator(input: string): (pos: number) => XmlLocation {
  let starts: number[] | undefined;
  return (pos: number) => {
    starts ??= lineStarts(input);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: pos - starts[lo] + 1 };
  };
}

function fail(code: string, message: LocalizedMessage, loc?: XmlLocation): never {
  const issue: FimIssue = { severity: 'error', code, message };
  if (loc) {
    issue.line = loc.line;
    issue.column = loc.column;
  }
  throw new FimParseError([issue]);
}

function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Resolves the five predefined entities and character references. Anything else is refused: without a DTD
 * there is no legitimate way to declare entities, so an unknown reference is an error, never an expansion.
 */
function decodeReferences(raw: string, loc: () => XmlLocation): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    out += raw.slice(from, amp);
    const semi = raw.indexOf(';', amp);
    if (semi === -1 || semi - amp > 10)
      fail(
        'INVALID_REFERENCE',
        {
          de: 'Fehlerhafter Entitäts- oder Zeichenverweis',
          en: 'Malformed entity or character reference',
        },
        loc(),
      );
    const name = raw.slice(amp + 1, semi);
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) {
      out += predefined;
    } else if (/^#x[0-9a-fA-F]{1,6}$/.test(name) || /^#[0-9]{1,7}$/.test(name)) {
      const cp = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!isXmlChar(cp))
        fail(
          'INVALID_REFERENCE',
          {
            de: `Der Zeichenverweis &${name}; ist kein zulässiges XML-Zeichen`,
            en: `Character reference &${name}; is not a legal XML character`,
          },
          loc(),
        );
      out += String.fromCodePoint(cp);
    } else {
      fail(
        'UNDEFINED_ENTITY',
        {
          de: `Der Entitätsverweis &${name}; ist nicht erlaubt (nur die vordefinierten XML-Entitäten werden angenommen; DTDs und Entitätsdeklarationen werden abgelehnt)`,
          en: `Entity reference &${name}; is not allowed (only the predefined XML entities are accepted; DTDs and entity declarations are refused)`,
        },
        loc(),
      );
    }
    from = semi + 1;
    amp = raw.indexOf('&', from);
  }
  return out + raw.slice(from);
}

function decodeInput(input: string | Uint8Array): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const bytes = input;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  }
  if (declared === 'iso-8859-1' || declared === 'latin1' || declared === 'windows-1252') {
    return new TextDecoder(declared).decode(bytes);
  }
  fail('UNSUPPORTED_ENCODING', {
    de: `Die XML-Kodierung „${declared}“ wird nicht unterstützt (verwenden Sie UTF-8)`,
    en: `XML encoding "${declared}" is not supported (use UTF-8)`,
  });
}

/**
 * Reads untrusted XML: size limit, no DTD (so no entity expansion and no external entities), nesting limit,
 * well-formedness check with line numbers, then a namespace-resolved element tree.
 */
export function readXml(input: string | Uint8Array, limits: XmlReadLimits = {}): XmlDocument {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) {
    fail('INPUT_TOO_LARGE', {
      de: `Die XML-Eingabe hat ${size} Bytes, erlaubt sind höchstens ${maxBytes} Bytes`,
      en: `XML input has ${size} bytes, the limit is ${maxBytes} bytes`,
    });
  }
  let text: string;
  try {
    text = decodeInput(input);
  } catch (e) {
    if (e instanceof FimParseError) throw e;
    fail('INVALID_ENCODING', {
      de: 'Die XML-Eingabe ist kein gültiges UTF-8',
      en: 'XML input is not valid UTF-8',
    });
  }
  const locate = makeLocator(text);

  // Comments and CDATA may legitimately contain the text "<!DOCTYPE"; blank them before looking.
  const scan = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length));
  const dtd = /<!DOCTYPE|<!ENTITY/i.exec(scan);
  if (dtd) {
    fail(
      'DTD_FORBIDDEN',
      {
        de: 'Dokumenttypdeklarationen (DTD, <!DOCTYPE>/<!ENTITY>) sind nicht erlaubt; Entitäten werden nie aufgelöst',
        en: 'Document type declarations (DTD, <!DOCTYPE>/<!ENTITY>) are not allowed; entities are never expanded',
      },
      locate(dtd.index),
    );
  }

  const depthError = checkDepth(scan, maxDepth);
  if (depthError !== undefined) {
    fail(
      'NESTING_TOO_DEEP',
      {
        de: `Die XML-Elemente sind tiefer verschachtelt als die Grenze von ${maxDepth}`,
        en: `XML elements are nested deeper than the limit of ${maxDepth}`,
      },
      locate(depthError),
    );
  }

  const wellFormed = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (wellFormed !== true) {
    // The parser's own explanation exists in English only; the German text still says what is wrong.
    const why = wellFormed.err.msg;
    fail(
      'MALFORMED_XML',
      { de: `XML ist nicht wohlgeformt: ${why}`, en: `XML is not well-formed: ${why}` },
      {
        line: wellFormed.err.line,
        column: wellFormed.err.col,
      },
    );
  }

  const root = buildTree(
    text,
    (raw, pos) => decodeReferences(raw, () => locate(pos)),
    (code, message, pos) => fail(code, message, locate(pos)),
    new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]),
  );
  return { root, locate };
}

/** Element depth by a cheap scan of tags, so that no parser recursion ever sees a hostile depth. */
function checkDepth(scan: string, maxDepth: number): number | undefined {
  let depth = 0;
  const re = /<(\/?)([^\s>/!?]*)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;
  for (let m = re.exec(scan); m !== null; m = re.exec(scan)) {
    if (m[2] === '') continue;
    if (m[1] === '/') {
      depth--;
    } else {
      if (depth + 1 > maxDepth) return m.index;
      if (m[3] !== '/') depth++;
    }
  }
  return undefined;
}
