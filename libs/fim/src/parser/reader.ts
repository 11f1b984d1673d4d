import type { FimIssue, FimIssueSeverity } from '../errors';
import type { LocalizedMessage } from '../validator/messages';
import type { XmlDocument, XmlElement } from '../xml/secure-xml';

/** How often a child element may occur. */
export type Occurs = 'one' | 'many';
export type ChildSpec = Readonly<Record<string, Occurs>>;

/** Collects issues while mapping XML elements onto the model; never stops at the first problem. */
export class ReadContext {
  readonly issues: FimIssue[] = [];

  constructor(
    readonly doc: XmlDocument,
    readonly ns: string,
  ) {}

  report(
    severity: FimIssueSeverity,
    code: string,
    message: LocalizedMessage,
    el?: XmlElement,
    elementId?: string,
  ): void {
    const issue: FimIssue = { severity, code, message };
    if (el) {
      const loc = this.doc.locate(el.pos);
      issue.xmlPath = el.path;
      issue.line = loc.line;
      issue.column = loc.column;
    }
    if (elementId !== undefined) issue.elementId = elementId;
    this.issues.push(issue);
  }

  error(code: string, message: LocalizedMessage, el?: XmlElement, elementId?: string): void {
    this.report('error', code, message, el, elementId);
  }

  warn(code: string, message: LocalizedMessage, el?: XmlElement, elementId?: string): void {
    this.report('warning', code, message, el, elementId);
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }
}

function isEmpty(el: XmlElement): boolean {
  return el.children.length === 0 && el.text.trim() === '';
}

/** Children grouped by local name after checking them against a spec. */
export class Children {
  constructor(private readonly byName: ReadonlyMap<string, XmlElement[]>) {}

  one(name: string): XmlElement | undefined {
    return this.byName.get(name)?.[0];
  }

  many(name: string): XmlElement[] {
    return this.byName.get(name) ?? [];
  }
}

/**
 * Checks the children of `el` against `spec`: unknown elements are errors, a repeated single-valued element
 * is an error unless exactly one of the occurrences has content (then the empty ones are dropped with a
 * warning, as real exports sometimes carry an empty placeholder next to the value).
 * Children outside the message namespace are only accepted where `unqualified` lists them (`code`, `name`).
 */
export function collect(
  ctx: ReadContext,
  el: XmlElement,
  spec: ChildSpec,
  elementId?: string,
  unqualified: ReadonlySet<string> = NO_NAMES,
): Children {
  const byName = new Map<string, XmlElement[]>();
  for (const child of el.children) {
    const known =
      spec[child.local] !== undefined &&
      (child.ns === ctx.ns || (child.ns === undefined && unqualified.has(child.local)));
    if (!known) {
      ctx.error(
        'UNEXPECTED_ELEMENT',
        {
          de: `Unerwartetes Element <${child.qname}> in <${el.qname}>`,
          en: `Unexpected element <${child.qname}> in <${el.qname}>`,
        },
        child,
        elementId,
      );
      continue;
    }
    const list = byName.get(child.local);
    if (list) list.push(child);
    else byName.set(child.local, [child]);
  }
  if (el.text.trim() !== '' && Object.keys(spec).length > 0) {
    ctx.error(
      'UNEXPECTED_TEXT',
      {
        de: `Element <${el.qname}> darf keinen Text enthalten`,
        en: `Element <${el.qname}> must not contain text`,
      },
      el,
      elementId,
    );
  }
  for (const [name, list] of byName) {
    if (spec[name] !== 'one' || list.length < 2) continue;
    const filled = list.filter((c) => !isEmpty(c));
    if (filled.length === 1) {
      ctx.warn(
        'DUPLICATE_EMPTY_ELEMENT',
        {
          de: `Element <${list[0].qname}> kommt ${list.length}-mal in <${el.qname}> vor; die leeren Vorkommen werden ignoriert`,
          en: `Element <${list[0].qname}> occurs ${list.length} times in <${el.qname}>; the empty occurrence(s) are ignored`,
        },
        list[1],
        elementId,
      );
      byName.set(name, filled);
    } else {
      ctx.error(
        'DUPLICATE_ELEMENT',
        {
          de: `Element <${list[1].qname}> darf in <${el.qname}> nur einmal vorkommen`,
          en: `Element <${list[1].qname}> may occur only once in <${el.qname}>`,
        },
        list[1],
        elementId,
      );
    }
  }
  return new Children(byName);
}

const NO_NAMES: ReadonlySet<string> = new Set();
const CODE_CHILDREN: ReadonlySet<string> = new Set(['code', 'name']);

/** Trimmed text of a leaf element; `undefined` when missing or empty. */
export function text(ctx: ReadContext, el: XmlElement | undefined, elementId?: string): string | undefined {
  if (!el) return undefined;
  if (el.children.length > 0) {
    ctx.error(
      'UNEXPECTED_ELEMENT',
      {
        de: `Unerwartetes Element <${el.children[0].qname}> in <${el.qname}>`,
        en: `Unexpected element <${el.children[0].qname}> in <${el.qname}>`,
      },
      el.children[0],
      elementId,
    );
  }
  const value = el.text.replace(/\r\n?/g, '\n').trim();
  return value === '' ? undefined : value;
}

/** Reads a code element (`<xdf:status><code>aktiv</code></xdf:status>`). */
export function code(ctx: ReadContext, el: XmlElement | undefined, elementId?: string): string | undefined {
  if (!el) return undefined;
  const kids = collect(ctx, el, { code: 'one', name: 'one' }, elementId, CODE_CHILDREN);
  const value = text(ctx, kids.one('code'), elementId);
  if (value === undefined) {
    ctx.error(
      'MISSING_CODE',
      { de: `<code> fehlt in <${el.qname}>`, en: `Missing <code> in <${el.qname}>` },
      el,
      elementId,
    );
  }
  return value;
}

/** Checks a code against the allowed values; unknown values are reported with the given severity. */
export function checkCode<T extends string>(
  ctx: ReadContext,
  value: string | undefined,
  allowed: readonly T[],
  label: LocalizedMessage,
  el: XmlElement | undefined,
  elementId: string | undefined,
  severity: FimIssueSeverity = 'error',
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  ctx.report(
    severity,
    'INVALID_CODE',
    {
      de: `Ungültiger Wert für ${label.de}: „${value}“ (erlaubt: ${allowed.join(', ')})`,
      en: `Invalid ${label.en}: "${value}" (allowed: ${allowed.join(', ')})`,
    },
    el,
    elementId,
  );
  return undefined;
}
