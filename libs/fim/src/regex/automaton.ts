import type { CharSet } from './charset';
import type { RegexNode } from './parse';

/** Limits that keep compiling a pattern (and so matching with it) bounded; exceeding one refuses the pattern. */
export const MAX_NFA_STATES = 20_000;
export const MAX_DFA_STATES = 5_000;
/** Bound on the work of the subset construction (NFA states visited), so that compiling stays fast. */
export const MAX_DFA_WORK = 1_000_000;

export class AutomatonTooLargeError extends Error {
  constructor(readonly what: 'nfa' | 'dfa') {
    super(what === 'nfa' ? 'pattern expands to too many states' : 'pattern needs too many automaton states');
  }
}

/** Thompson NFA: epsilon moves and moves on a character set (index into `sets`). */
class NfaBuilder {
  readonly eps: number[][] = [];
  readonly moves: Array<Array<readonly [number, number]>> = [];
  readonly sets: CharSet[] = [];
  private readonly setIndex = new Map<string, number>();

  state(): number {
    if (this.eps.length >= MAX_NFA_STATES) throw new AutomatonTooLargeError('nfa');
    this.eps.push([]);
    this.moves.push([]);
    return this.eps.length - 1;
  }

  private set(s: CharSet): number {
    const key = s.join(',');
    let i = this.setIndex.get(key);
    if (i === undefined) {
      i = this.sets.push(s) - 1;
      this.setIndex.set(key, i);
    }
    return i;
  }

  /** Adds `node` between `from` and a new end state, which it returns. */
  build(node: RegexNode, from: number): number {
    switch (node.kind) {
      case 'set': {
        const to = this.state();
        if (node.set.length > 0) this.moves[from].push([this.set(node.set), to]);
        return to;
      }
      case 'seq': {
        let at = from;
        for (const item of node.items) at = this.build(item, at);
        return at;
      }
      case 'alt': {
        const end = this.state();
        for (const item of node.items) {
          const start = this.state();
          this.eps[from].push(start);
          this.eps[this.build(item, start)].push(end);
        }
        return end;
      }
      case 'repeat': {
        let at = from;
        for (let k = 0; k < node.min; k++) at = this.build(node.node, at);
        if (node.max === null) {
          const loop = this.state();
          this.eps[at].push(loop);
          const bodyEnd = this.build(node.node, loop);
          this.eps[bodyEnd].push(loop);
          return loop;
        }
        const end = this.state();
        this.eps[at].push(end);
        for (let k = node.min; k < node.max; k++) {
          at = this.build(node.node, at);
          this.eps[at].push(end);
        }
        return end;
      }
    }
  }
}

/**
 * A deterministic automaton over character classes: the code points are partitioned into classes that every
 * set of the pattern treats alike, so a transition table of states x classes is enough. Matching reads each
 * code point once: linear time in the length of the value, whatever the pattern.
 */
export class Dfa {
  private readonly ascii = new Int32Array(128);

  constructor(
    /** Start of each code point interval (sorted); `intervalClass[k]` is its class, -1 for none. */
    private readonly starts: Int32Array,
    private readonly intervalClass: Int32Array,
    readonly classCount: number,
    /** `trans[state * classCount + class]`, -1 for no way on. */
    readonly trans: Int32Array,
    readonly accept: Uint8Array,
  ) {
    for (let cp = 0; cp < 128; cp++) this.ascii[cp] = this.lookup(cp);
  }

  get stateCount(): number {
    return this.accept.length;
  }

  classOf(cp: number): number {
    return cp < 128 ? this.ascii[cp] : this.lookup(cp);
  }

  private lookup(cp: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= cp) lo = mid;
      else hi = mid - 1;
    }
    return this.intervalClass[lo];
  }

  /** The code point intervals `[lo, hi]` of a class. */
  intervals(cls: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let k = 0; k < this.starts.length; k++) {
      if (this.intervalClass[k] !== cls) continue;
      const hi = k + 1 < this.starts.length ? this.starts[k + 1] - 1 : 0x10ffff;
      out.push([this.starts[k], hi]);
    }
    return out;
  }

  /** Whether the whole string matches. */
  test(s: string): boolean {
    const n = this.classCount;
    const trans = this.trans;
    let state = 0;
    for (let i = 0; i < s.length; i++) {
      let cp = s.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
        const low = s.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      const cls = cp < 128 ? this.ascii[cp] : this.lookup(cp);
      if (cls < 0) return false;
      state = trans[state * n + cls];
      if (state < 0) return false;
    }
    return this.accept[state] === 1;
  }
}

/** Partitions the code points by membership in `sets`; returns the class structure and each set's classes. */
function partition(sets: readonly CharSet[]): {
  starts: Int32Array;
  intervalClass: Int32Array;
  classCount: number;
  setClasses: Uint8Array[];
} {
  const points = new Set<number>([0]);
  for (const s of sets) {
    for (let i = 0; i < s.length; i += 2) {
      points.add(s[i]);
      if (s[i + 1] < 0x10ffff) points.add(s[i + 1] + 1);
    }
  }
  const starts = Int32Array.from([...points].sort((a, b) => a - b));
  const members: number[][] = Array.from({ length: starts.length }, () => []);
  sets.forEach((s, si) => {
    let k = 0;
    for (let i = 0; i < s.length; i += 2) {
      while (starts[k] < s[i]) k++;
      for (; k < starts.length && starts[k] <= s[i + 1]; k++) members[k].push(si);
    }
  });
  const classBySignature = new Map<string, number>();
  const intervalClass = new Int32Array(starts.length);
  const signatures: number[][] = [];
  members.forEach((m, k) => {
    if (m.length === 0) {
      intervalClass[k] = -1;
      return;
    }
    const key = m.join(',');
    let cls = classBySignature.get(key);
    if (cls === undefined) {
      cls = signatures.push(m) - 1;
      classBySignature.set(key, cls);
    }
    intervalClass[k] = cls;
  });
  const setClasses = sets.map(() => new Uint8Array(signatures.length));
  signatures.forEach((m, cls) => {
    for (const si of m) setClasses[si][cls] = 1;
  });
  return { starts, intervalClass, classCount: signatures.length, setClasses };
}

/** Builds the DFA of a parsed pattern (subset construction); throws {@link AutomatonTooLargeError}. */
export function compileDfa(node: RegexNode): Dfa {
  const nfa = new NfaBuilder();
  const start = nfa.state();
  const accept = nfa.build(node, start);
  const { starts, intervalClass, classCount, setClasses } = partition(nfa.sets);

  let work = 0;
  const mark = new Int32Array(nfa.eps.length).fill(-1);
  let generation = 0;
  const closure = (seeds: readonly number[]): number[] => {
    generation++;
    const out: number[] = [];
    const stack = [...seeds];
    while (stack.length > 0) {
      const s = stack.pop() as number;
      if (mark[s] === generation) continue;
      mark[s] = generation;
      out.push(s);
      for (const t of nfa.eps[s]) if (mark[t] !== generation) stack.push(t);
    }
    work += out.length + seeds.length;
    if (work > MAX_DFA_WORK) throw new AutomatonTooLargeError('dfa');
    return out.sort((a, b) => a - b);
  };

  const classesOfSet = setClasses.map((flags) => {
    const list: number[] = [];
    flags.forEach((f, cls) => {
      if (f === 1) list.push(cls);
    });
    return list;
  });
  const states: number[][] = [];
  const index = new Map<string, number>();
  const add = (set: number[]): number => {
    const key = set.join(',');
    let i = index.get(key);
    if (i === undefined) {
      if (states.length >= MAX_DFA_STATES) throw new AutomatonTooLargeError('dfa');
      i = states.push(set) - 1;
      index.set(key, i);
    }
    return i;
  };
  add(closure([start]));
  const rows: Int32Array[] = [];
  for (let d = 0; d < states.length; d++) {
    const row = new Int32Array(classCount).fill(-1);
    const targets: number[][] = Array.from({ length: classCount }, () => []);
    for (const s of states[d]) {
      for (const [si, to] of nfa.moves[s]) for (const cls of classesOfSet[si]) targets[cls].push(to);
    }
    work += states[d].length;
    targets.forEach((t, cls) => {
      if (t.length > 0) row[cls] = add(closure(t));
    });
    rows.push(row);
  }
  const trans = new Int32Array(states.length * classCount);
  rows.forEach((row, d) => trans.set(row, d * classCount));
  const acc = Uint8Array.from(states, (set) => (set.includes(accept) ? 1 : 0));
  return new Dfa(starts, intervalClass, classCount, trans, acc);
}
