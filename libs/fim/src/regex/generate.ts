import type { Dfa } from './automaton';
import { type CharSet, intersect } from './charset';

/** Bound on the layers a search may compute before it gives up (it is then not a proof of impossibility). */
export const MAX_SEARCH_LAYERS = 50_000;

export class SearchBudgetError extends Error {
  constructor() {
    super('the search for a matching value took too long');
  }
}

const NICE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** How pleasant a character is in an example: letters, digits, other printable ASCII, then the rest. */
function niceness(cp: number): number {
  const i = NICE.indexOf(String.fromCodePoint(cp));
  if (i >= 0) return i;
  if (cp >= 0x20 && cp < 0x7f) return 100 + cp;
  if (cp >= 0xa0) return 1000 + cp;
  return 0x200000 + cp;
}

/** The nicest character of a class that is also in `allowed`, or -1. */
function representative(dfa: Dfa, cls: number, allowed: CharSet): number {
  const pairs: Array<readonly [number, number]> = dfa.intervals(cls);
  const set = intersect(
    pairs.flatMap(([lo, hi]) => [lo, hi]),
    allowed,
  );
  let best = -1;
  for (let i = 0; i < set.length; i += 2) {
    for (const cp of NICE) {
      const c = cp.codePointAt(0) ?? 0;
      if (c >= set[i] && c <= set[i + 1] && (best < 0 || niceness(c) < niceness(best))) best = c;
    }
    const first = set[i] < 0x20 && set[i + 1] >= 0x20 ? 0x20 : set[i];
    if (best < 0 || niceness(first) < niceness(best)) best = first;
  }
  return best;
}

/**
 * The shortest string of at least `minLength` code points (and at most `maxLength`) that the DFA accepts and
 * that consists of characters from `allowed` only; `undefined` when there is none. Works on the automaton, so
 * pattern, length and character repertoire are satisfied together, not one after the other.
 */
export function generateMatch(
  dfa: Dfa,
  minLength: number,
  maxLength: number | undefined,
  allowed: CharSet,
): string | undefined {
  const n = dfa.classCount;
  const rep = Array.from({ length: n }, (_, c) => representative(dfa, c, allowed));
  const order = [...rep.keys()]
    .filter((c) => rep[c] >= 0)
    .sort((a, b) => niceness(rep[a]) - niceness(rep[b]));
  const layers: number[][] = [[0]];
  const seen = new Map<string, number>([['0', 0]]);
  let cycleStart = -1;
  const layerAt = (i: number): number[] =>
    cycleStart < 0 || i < layers.length
      ? layers[i]
      : layers[cycleStart + ((i - cycleStart) % (layers.length - cycleStart))];
  const accepting = (layer: number[]): number => layer.find((s) => dfa.accept[s] === 1) ?? -1;

  let length = -1;
  for (let i = 0; ; i++) {
    if (maxLength !== undefined && i > maxLength) return undefined;
    if (cycleStart >= 0 && i >= minLength + (layers.length - cycleStart) && i >= layers.length)
      return undefined;
    const layer = layerAt(i);
    if (i >= minLength && accepting(layer) >= 0) {
      length = i;
      break;
    }
    if (cycleStart >= 0 || i + 1 < layers.length) continue;
    if (layers.length > MAX_SEARCH_LAYERS) throw new SearchBudgetError();
    const next = new Set<number>();
    for (const s of layer) {
      for (const c of order) {
        const t = dfa.trans[s * n + c];
        if (t >= 0) next.add(t);
      }
    }
    if (next.size === 0) return undefined;
    const sorted = [...next].sort((a, b) => a - b);
    const key = sorted.join(',');
    const before = seen.get(key);
    if (before === undefined) {
      seen.set(key, layers.length);
      layers.push(sorted);
    } else {
      // From here on the layers repeat with period layers.length - before.
      cycleStart = before;
    }
  }

  const cps: number[] = [];
  let cur = accepting(layerAt(length));
  for (let k = length - 1; k >= 0; k--) {
    const prev = layerAt(k);
    let found = false;
    for (const c of order) {
      for (const s of prev) {
        if (dfa.trans[s * n + c] !== cur) continue;
        cps.push(rep[c]);
        cur = s;
        found = true;
        break;
      }
      if (found) break;
    }
    if (!found) throw new Error('generateMatch: broken predecessor chain');
  }
  return String.fromCodePoint(...cps.reverse());
}
