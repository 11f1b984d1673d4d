/**
 * Sets of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges `[lo0, hi0, lo1, hi1, ...]`.
 * XML Schema character classes (categories, blocks, subtraction, negation) are computed on these, so that
 * the matcher, the ECMAScript export and the sample generator all see exactly the same sets.
 */
export type CharSet = readonly number[];

export const MAX_CODE_POINT = 0x10ffff;
export const EMPTY: CharSet = [];
export const ANY: CharSet = [0, MAX_CODE_POINT];

/** Sorts and merges arbitrary `[lo, hi]` pairs into a normalised set. */
export function fromPairs(pairs: ReadonlyArray<readonly [number, number]>): CharSet {
  const sorted = [...pairs].filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function single(cp: number): CharSet {
  return [cp, cp];
}

function pairsOf(s: CharSet): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < s.length; i += 2) out.push([s[i], s[i + 1]]);
  return out;
}

export function union(...sets: CharSet[]): CharSet {
  return fromPairs(sets.flatMap(pairsOf));
}

export function complement(s: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < s.length; i += 2) {
    if (s[i] > next) out.push(next, s[i] - 1);
    next = s[i + 1] + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

export function subtract(a: CharSet, b: CharSet): CharSet {
  return intersect(a, complement(b));
}

export function has(s: CharSet, cp: number): boolean {
  let lo = 0;
  let hi = s.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < s[2 * mid]) hi = mid - 1;
    else if (cp > s[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

export function isEmpty(s: CharSet): boolean {
  return s.length === 0;
}
