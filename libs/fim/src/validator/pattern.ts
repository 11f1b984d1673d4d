import { AutomatonTooLargeError, type Dfa, MAX_DFA_STATES, compileDfa } from '../regex/automaton';
import { toEcmaScript } from '../regex/ecmascript';
import { MAX_REPEAT, RegexSyntaxError, parseXsdRegex } from '../regex/parse';
import type { LocalizedMessage } from './messages';

/** Anything that answers whether a whole string matches (the compiled pattern). */
export interface PatternMatcher {
  test(value: string): boolean;
}

/** A FIM (XML Schema) pattern prepared for the validator and both exports. */
export interface TranslatedPattern {
  /** ECMAScript source including anchors, for `new RegExp(source, 'u')` and JSON Schema `pattern`. */
  source: string;
  /** XML Schema regular expression (implicitly anchored) for the XSD export: the pattern as read. */
  xsd: string;
  /** Linear-time matcher of the whole value (a DFA); the same object as `dfa`. */
  regex: PatternMatcher;
  dfa: Dfa;
  /** The pattern began with `^` or ended with `$`, which were read as anchors (see README). */
  anchorsDropped: boolean;
}

/**
 * Authors often write `^...$` out of habit from other regex dialects; in XML Schema both are ordinary
 * characters and the pattern is anchored anyway. A leading `^` and a trailing unescaped `$` are therefore
 * read as the anchors they were meant to be (the standard E-Mail field F60000000242 ends in `$`: read
 * literally, no real address would match).
 */
function dropAnchors(pattern: string): { p: string; dropped: boolean } {
  let p = pattern;
  let dropped = false;
  if (p.startsWith('^') && !'?*+{'.includes(p[1] ?? '')) {
    p = p.slice(1);
    dropped = true;
  }
  if (p.endsWith('$')) {
    let backslashes = 0;
    for (let i = p.length - 2; i >= 0 && p[i] === '\\'; i--) backslashes++;
    if (backslashes % 2 === 0) {
      p = p.slice(0, -1);
      dropped = true;
    }
  }
  return { p, dropped };
}

/**
 * Reads an XML Schema regular expression with its own semantics (whole-value match, `\i \c \w \d \s`,
 * categories and blocks, class subtraction) into a DFA and an equivalent ECMAScript source. A pattern the
 * engine cannot run in bounded space is refused with a message instead of surprising at runtime.
 */
export function translateXsdPattern(pattern: string): TranslatedPattern | LocalizedMessage {
  const { p, dropped } = dropAnchors(pattern);
  try {
    const node = parseXsdRegex(p);
    const dfa = compileDfa(node);
    return { source: toEcmaScript(node), xsd: p, regex: dfa, dfa, anchorsDropped: dropped };
  } catch (e) {
    if (e instanceof RegexSyntaxError) {
      return {
        de: `${e.problem.de} (an Position ${e.position + 1})`,
        en: `${e.problem.en} (at position ${e.position + 1})`,
      };
    }
    if (e instanceof AutomatonTooLargeError) {
      return {
        de: `das Muster ist zu komplex für eine Prüfung in linearer Zeit (mehr als ${MAX_DFA_STATES} Automatenzustände; Wiederholungen höchstens ${MAX_REPEAT})`,
        en: `the pattern is too complex to be checked in linear time (more than ${MAX_DFA_STATES} automaton states; repetitions at most ${MAX_REPEAT})`,
      };
    }
    throw e;
  }
}
