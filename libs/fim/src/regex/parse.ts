import type { LocalizedMessage } from '../validator/messages';
import { type CharSet, complement, fromPairs, single, subtract, union } from './charset';
import { NAME_CHARS, NAME_START_CHARS, blockSet, categorySet, wordSet } from './unicode';

/** Abstract syntax of an XML Schema regular expression; every character class is already a set. */
export type RegexNode =
  | { kind: 'set'; set: CharSet }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; items: RegexNode[] }
  | { kind: 'repeat'; node: RegexNode; min: number; max: number | null };

/** Largest count XML Schema patterns may give in `{n,m}` here; larger ones are refused, not truncated. */
export const MAX_REPEAT = 1000;

export class RegexSyntaxError extends Error {
  constructor(
    readonly problem: LocalizedMessage,
    readonly position: number,
  ) {
    super(problem.en);
  }
}

const SPACE: CharSet = fromPairs([
  [0x09, 0x0a],
  [0x0d, 0x0d],
  [0x20, 0x20],
]);
const NEWLINES: CharSet = fromPairs([
  [0x0a, 0x0a],
  [0x0d, 0x0d],
]);
/** Single-character escapes of XML Schema and the character each stands for. */
const SINGLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '\\': 0x5c,
  '|': 0x7c,
  '.': 0x2e,
  '?': 0x3f,
  '*': 0x2a,
  '+': 0x2b,
  '(': 0x28,
  ')': 0x29,
  '{': 0x7b,
  '}': 0x7d,
  '-': 0x2d,
  '[': 0x5b,
  ']': 0x5d,
  '^': 0x5e,
  // Not in XML Schema 1.0's list, but accepted by libxml2 (which checks the XSD export) and written by authors.
  $: 0x24,
};

function err(de: string, en: string, position: number): RegexSyntaxError {
  return new RegexSyntaxError({ de, en }, position);
}

function category(name: string): CharSet | undefined {
  if (name.startsWith('Is')) return blockSet(name.slice(2));
  return categorySet(name);
}

function multiEscape(c: string): CharSet | undefined {
  switch (c) {
    case 's':
      return SPACE;
    case 'S':
      return complement(SPACE);
    case 'i':
      return NAME_START_CHARS;
    case 'I':
      return complement(NAME_START_CHARS);
    case 'c':
      return NAME_CHARS;
    case 'C':
      return complement(NAME_CHARS);
    case 'd':
      return categorySet('Nd');
    case 'D':
      return complement(categorySet('Nd') ?? []);
    case 'w':
      return wordSet();
    case 'W':
      return complement(wordSet());
    default:
      return undefined;
  }
}

/** Recursive-descent parser over code points (so that astral characters are single atoms). */
class Parser {
  private i = 0;
  private readonly cps: number[];

  constructor(pattern: string) {
    this.cps = Array.from(pattern, (ch) => ch.codePointAt(0) ?? 0);
  }

  private peek(offset = 0): string | undefined {
    const cp = this.cps[this.i + offset];
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  parse(): RegexNode {
    const node = this.regExp();
    if (this.i < this.cps.length) {
      const ch = this.peek() ?? '';
      throw ch === ')'
        ? err('„)“ ohne öffnende Klammer', 'unbalanced ")"', this.i)
        : err(`unerwartetes „${ch}“`, `unexpected "${ch}"`, this.i);
    }
    return node;
  }

  private regExp(): RegexNode {
    const branches = [this.branch()];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.branch());
    }
    return branches.length === 1 ? branches[0] : { kind: 'alt', items: branches };
  }

  private branch(): RegexNode {
    const items: RegexNode[] = [];
    for (let ch = this.peek(); ch !== undefined && ch !== '|' && ch !== ')'; ch = this.peek()) {
      items.push(this.piece());
    }
    return items.length === 1 ? items[0] : { kind: 'seq', items };
  }

  private piece(): RegexNode {
    const atom = this.atom();
    const q = this.peek();
    if (q === '?' || q === '*' || q === '+') {
      this.i++;
      return { kind: 'repeat', node: atom, min: q === '+' ? 1 : 0, max: q === '?' ? 1 : null };
    }
    if (q !== '{') return atom;
    const start = this.i;
    this.i++;
    const min = this.number(start);
    let max: number | null = min;
    if (this.peek() === ',') {
      this.i++;
      max = this.peek() === '}' ? null : this.number(start);
    }
    if (this.peek() !== '}') throw err('fehlerhafte Anzahl {n,m}', 'malformed quantifier {n,m}', start);
    this.i++;
    if (max !== null && max < min)
      throw err(`in {${min},${max}} ist m kleiner als n`, `in {${min},${max}} m is less than n`, start);
    if ((max ?? min) > MAX_REPEAT)
      throw err(
        `Wiederholungen über ${MAX_REPEAT} werden nicht unterstützt`,
        `repetition counts above ${MAX_REPEAT} are not supported`,
        start,
      );
    return { kind: 'repeat', node: atom, min, max };
  }

  private number(start: number): number {
    let digits = '';
    for (let ch = this.peek(); ch !== undefined && ch >= '0' && ch <= '9'; ch = this.peek()) {
      digits += ch;
      this.i++;
    }
    if (digits === '' || digits.length > 7)
      throw err('fehlerhafte Anzahl {n,m}', 'malformed quantifier {n,m}', start);
    return Number(digits);
  }

  private atom(): RegexNode {
    const at = this.i;
    const ch = this.peek();
    switch (ch) {
      case '(': {
        this.i++;
        const inner = this.regExp();
        if (this.peek() !== ')') throw err('„(“ wird nicht geschlossen', 'unclosed "("', at);
        this.i++;
        return inner;
      }
      case '[':
        return { kind: 'set', set: this.classExpr() };
      case '.':
        this.i++;
        return { kind: 'set', set: complement(NEWLINES) };
      case '\\':
        return { kind: 'set', set: this.escape() };
      case '?':
      case '*':
      case '+':
      case '{':
        throw err(`„${ch}“ steht ohne vorangehendes Zeichen`, `"${ch}" has nothing to repeat`, at);
      case ']':
      case '}':
        throw err(`„${ch}“ muss als \\${ch} geschrieben werden`, `"${ch}" must be escaped as \\${ch}`, at);
      default:
        this.i++;
        return { kind: 'set', set: single(this.cps[at]) };
    }
  }

  /** A backslash escape outside or inside a character class. */
  private escape(): CharSet {
    const at = this.i;
    const c = this.peek(1);
    if (c === undefined)
      throw err('das Muster endet mit einem einzelnen Backslash', 'pattern ends with a lone backslash', at);
    this.i += 2;
    if (c in SINGLE_ESCAPES) return single(SINGLE_ESCAPES[c]);
    const multi = multiEscape(c);
    if (multi !== undefined) return multi;
    if (c === 'p' || c === 'P') {
      if (this.peek() !== '{') throw err(`fehlerhafte Escape-Sequenz \\${c}`, `malformed \\${c} escape`, at);
      let name = '';
      this.i++;
      for (let ch = this.peek(); ch !== undefined && ch !== '}'; ch = this.peek()) {
        name += ch;
        this.i++;
      }
      if (this.peek() !== '}') throw err(`fehlerhafte Escape-Sequenz \\${c}`, `malformed \\${c} escape`, at);
      this.i++;
      const set = category(name);
      if (set === undefined)
        throw err(
          `unbekannte Kategorie oder unbekannter Block \\${c}{${name}}`,
          `unknown category or block \\${c}{${name}}`,
          at,
        );
      return c === 'p' ? set : complement(set);
    }
    throw err(`unbekannte Escape-Sequenz \\${c}`, `unknown escape \\${c}`, at);
  }

  /** `[` posCharGroup `]`, `[^` ... `]`, with optional subtraction `-[` ... `]`. */
  private classExpr(): CharSet {
    const at = this.i;
    this.i++;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    let set: CharSet = [];
    let first = true;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined)
        throw err('nicht abgeschlossene Zeichenklasse', 'unterminated character class', at);
      if (ch === ']') {
        if (first) throw err('leere Zeichenklasse', 'empty character class', at);
        this.i++;
        break;
      }
      if (ch === '-' && this.peek(1) === '[') {
        if (first) throw err('leere Zeichenklasse', 'empty character class', at);
        this.i++;
        const minus = this.classExpr();
        if (this.peek() !== ']')
          throw err(
            'nach einer Subtraktion muss die Zeichenklasse enden',
            'a character class must end after a subtraction',
            this.i,
          );
        this.i++;
        set = subtract(negated ? complement(set) : set, minus);
        return set;
      }
      if (ch === '[')
        throw err(
          '„[“ muss in einer Zeichenklasse als \\[ geschrieben werden',
          '"[" must be escaped as \\[ in a character class',
          this.i,
        );
      set = union(set, this.classAtomOrRange(first));
      first = false;
    }
    return negated ? complement(set) : set;
  }

  /** One character, escape or range `a-z` inside a class. */
  private classAtomOrRange(first: boolean): CharSet {
    const at = this.i;
    const lo = this.classChar(first);
    if (typeof lo !== 'number') return lo;
    if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '[' && this.peek(1) !== undefined) {
      this.i++;
      const hi = this.classChar(false);
      if (typeof hi !== 'number')
        throw err(
          'ein Bereich braucht einzelne Zeichen an beiden Enden',
          'a range needs single characters at both ends',
          at,
        );
      if (hi < lo) throw err('Bereich in falscher Reihenfolge', 'range out of order', at);
      return fromPairs([[lo, hi]]);
    }
    return single(lo);
  }

  /** A single character (code point) or a multi-character escape (set) inside a class. */
  private classChar(first: boolean): number | CharSet {
    const ch = this.peek();
    if (ch === '\\') {
      const c = this.peek(1);
      if (c !== undefined && c in SINGLE_ESCAPES) {
        this.i += 2;
        return SINGLE_ESCAPES[c];
      }
      return this.escape();
    }
    if (ch === '-' && !first && this.peek(1) !== ']') {
      throw err(
        '„-“ muss in einer Zeichenklasse als \\- geschrieben werden',
        '"-" must be escaped as \\- inside a character class',
        this.i,
      );
    }
    const cp = this.cps[this.i];
    this.i++;
    return cp;
  }
}

/** Parses an XML Schema regular expression; throws {@link RegexSyntaxError}. */
export function parseXsdRegex(pattern: string): RegexNode {
  return new Parser(pattern).parse();
}
