import type { LocalizedMessage } from '../validator/messages';

/** A namespace-resolved element of a hardened XML read. */
export interface XmlElement {
  /** Qualified name as written, e.g. `xdf:name`. */
  readonly qname: string;
  readonly local: string;
  /** Resolved namespace URI, `undefined` for no namespace. */
  readonly ns: string | undefined;
  /** Decoded attribute values by qualified name (namespace declarations excluded). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Decoded concatenation of the element's own text and CDATA content. */
  readonly text: string;
  /** Offset of the start tag in the input. */
  readonly pos: number;
  /** Element path like `/root/child[2]/leaf`. */
  readonly path: string;
}

/** How the tree builder reports a problem: code, message and the offset it is about. */
export type TreeFail = (code: string, message: LocalizedMessage, pos: number) => never;

/** Decodes entity and character references of text or an attribute value (offset for messages). */
export type Decode = (raw: string, pos: number) => string;

interface Open {
  qname: string;
  local: string;
  ns: string | undefined;
  attrs: Record<string, string>;
  scope: ReadonlyMap<string, string>;
  children: XmlElement[];
  text: string;
  pos: number;
  path: string;
  /** Element children seen so far by qualified name, for the `[n]` of their paths. */
  seen: Map<string, number> | undefined;
}

const MALFORMED: LocalizedMessage = {
  de: 'XML ist nicht wohlgeformt',
  en: 'XML is not well-formed',
};

const ONE_ROOT: LocalizedMessage = {
  de: 'Ein XML-Dokument muss genau ein Wurzelelement haben',
  en: 'XML document must have exactly one root element',
};

/** XML reads every line break (CR LF, CR) as LF; character references (`&#13;`) still give a CR. */
function lineBreaks(raw: string): string {
  return raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Builds the namespace-resolved element tree of a document in one pass over the text, without recursion.
 * The caller has checked well-formedness, refused DTDs and bounded the nesting; what is left to refuse here
 * is what well-formedness does not cover (undeclared prefixes, unknown entity references). Comments,
 * processing instructions and the XML declaration are skipped; text outside the root element is ignored.
 */
export function buildTree(
  text: string,
  decode: Decode,
  fail: TreeFail,
  rootScope: ReadonlyMap<string, string>,
): XmlElement {
  const n = text.length;
  const stack: Open[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const expect = (at: number): number => (at === -1 ? fail('MALFORMED_XML', MALFORMED, i) : at);
  const complete = (element: XmlElement): void => {
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root === undefined) root = element;
    else fail('MALFORMED_XML', ONE_ROOT, element.pos);
  };

  while (i < n) {
    const lt = text.indexOf('<', i);
    const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (top !== undefined && (lt === -1 ? n : lt) > i)
      top.text += decode(lineBreaks(text.slice(i, lt === -1 ? n : lt)), i);
    if (lt === -1) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        i = expect(text.indexOf('-->', lt + 4)) + 3;
      } else if (text.startsWith('<![CDATA[', lt)) {
        const end = expect(text.indexOf(']]>', lt + 9));
        if (top !== undefined) top.text += lineBreaks(text.slice(lt + 9, end));
        i = end + 3;
      } else {
        fail('MALFORMED_XML', MALFORMED, lt);
      }
    } else if (c === 0x3f /* ? */) {
      i = expect(text.indexOf('?>', lt + 2)) + 2;
    } else if (c === 0x2f /* / */) {
      const gt = expect(text.indexOf('>', lt + 2));
      const open = stack.pop();
      if (open === undefined || text.slice(lt + 2, gt).trimEnd() !== open.qname)
        fail('MALFORMED_XML', MALFORMED, lt);
      complete(close(open));
      i = gt + 1;
    } else {
      i = startTag(text, lt, stack, decode, fail, rootScope, complete);
    }
  }
  if (stack.length > 0) fail('MALFORMED_XML', MALFORMED, n);
  if (root === undefined) fail('MALFORMED_XML', ONE_ROOT, 0);
  return root;
}

/** Reads a start tag at `lt`; pushes it, or hands an empty element to `done`. Returns the offset after it. */
function startTag(
  text: string,
  lt: number,
  stack: Open[],
  decode: Decode,
  fail: TreeFail,
  rootScope: ReadonlyMap<string, string>,
  done: (element: XmlElement) => void,
): number {
  const n = text.length;
  let j = lt + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (isSpace(c) || c === 0x2f || c === 0x3e) break;
    j++;
  }
  const qname = text.slice(lt + 1, j);
  const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
  let scope = parent?.scope ?? rootScope;
  const attrs = Object.create(null) as Record<string, string>;
  let empty = false;
  for (;;) {
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    if (j >= n) fail('MALFORMED_XML', MALFORMED, lt);
    const c = text.charCodeAt(j);
    if (c === 0x3e /* > */) {
      j++;
      break;
    }
    if (c === 0x2f /* / */) {
      empty = true;
      j += 2;
      break;
    }
    const eq = text.indexOf('=', j);
    if (eq === -1) fail('MALFORMED_XML', MALFORMED, j);
    const name = text.slice(j, eq).trimEnd();
    let q = eq + 1;
    while (q < n && isSpace(text.charCodeAt(q))) q++;
    const quote = text[q];
    if (quote !== '"' && quote !== "'") fail('MALFORMED_XML', MALFORMED, q);
    const end = text.indexOf(quote, q + 1);
    if (end === -1) fail('MALFORMED_XML', MALFORMED, q);
    const value = decode(lineBreaks(text.slice(q + 1, end)), lt);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === (parent?.scope ?? rootScope)) scope = new Map(scope);
      (scope as Map<string, string>).set(name === 'xmlns' ? '' : name.slice(6), value);
    } else {
      attrs[name] = value;
    }
    j = end + 1;
  }
  const colon = qname.indexOf(':');
  const prefix = colon === -1 ? '' : qname.slice(0, colon);
  const local = colon === -1 ? qname : qname.slice(colon + 1);
  const ns = scope.get(prefix);
  if (prefix !== '' && ns === undefined)
    fail(
      'UNDECLARED_PREFIX',
      {
        de: `Das Namensraum-Präfix „${prefix}“ ist nicht deklariert`,
        en: `Namespace prefix "${prefix}" is not declared`,
      },
      lt,
    );
  let index = 1;
  if (parent !== undefined) {
    parent.seen ??= new Map();
    index = (parent.seen.get(qname) ?? 0) + 1;
    parent.seen.set(qname, index);
  }
  const open: Open = {
    qname,
    local,
    ns: ns === '' ? undefined : ns,
    attrs,
    scope,
    children: [],
    text: '',
    pos: lt,
    path: `${parent?.path ?? ''}/${local}${index > 1 ? `[${index}]` : ''}`,
    seen: undefined,
  };
  if (empty) done(close(open));
  else stack.push(open);
  return j;
}

function close(open: Open): XmlElement {
  return {
    qname: open.qname,
    local: open.local,
    ns: open.ns,
    attrs: open.attrs,
    children: open.children,
    text: open.text,
    pos: open.pos,
    path: open.path,
  };
}
