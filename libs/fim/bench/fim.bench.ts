/**
 * Validations per second for BlaueKarte-sized submissions (valid and invalid mix): @amtsbote/fim against
 * ajv compiled on the JSON Schema we export, same data, same run. `npm run bench:fim`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MULTIPLE_OF_PRECISION, compileValidator, parseSchema } from '../src/index';
import { translateXsdPattern } from '../src/validator/pattern';
import type { PlanNode } from '../src/index';

const ROUNDS = 4;
const ROUND_MS = 2500;
const WARMUP_MS = 1500;
const SUBMISSIONS = 1000;
const INVALID_SHARE = 0.3;

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package-lock.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

/** Small deterministic PRNG so that every run measures the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

const xml = fs.readFileSync(
  path.resolve(repoRoot(), '..', 'shared', 'fixtures', 'fim-xdf2', 'BlaueKarte.xml'),
);
const schema = parseSchema(xml);
const ours = compileValidator(schema);
const ajvAll = new Ajv2020({ allErrors: true, multipleOfPrecision: MULTIPLE_OF_PRECISION });
addFormats(ajvAll);
const ajvFirst = new Ajv2020({ allErrors: false, multipleOfPrecision: MULTIPLE_OF_PRECISION });
addFormats(ajvFirst);
const validateAjvAll = ajvAll.compile(ours.jsonSchema());
const validateAjvFirst = ajvFirst.compile(ours.jsonSchema());

const random = prng(20240517);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const NAMES = ['Müller', 'Schmidt', 'Yılmaz', 'Kowalski', 'Nguyễn', "O'Brien", 'García Márquez', 'Ødegaard'];

/** A realistic variant of the full sample: other values, optional parts present or absent, repeated items. */
function variant(nodes: readonly PlanNode[], base: Json): Json {
  const out: Json = {};
  for (const n of nodes) {
    if (!(n.key in base)) continue;
    if (n.multiplicity.min === 0 && random() < 0.3) continue;
    const value = base[n.key];
    const repeated = n.multiplicity.max === null || n.multiplicity.max > 1;
    const one = (v: unknown): unknown => {
      if (n.kind === 'group') return variant(n.children, v as Json);
      const c = n.c;
      if (c.options && c.options.length > 0) return pick(c.options).code;
      switch (c.datentyp) {
        case 'text':
          return c.maxLength === 5 && c.minLength === 5
            ? String(10000 + Math.floor(random() * 89999))
            : pick(NAMES).slice(0, c.maxLength ?? 100);
        case 'bool':
          return random() < 0.5;
        case 'num':
          return Math.round(random() * 20000) / 100;
        case 'num_currency':
          return Math.round(random() * 10_000_000) / 100;
        case 'date':
          return `${1950 + Math.floor(random() * 70)}-0${1 + Math.floor(random() * 9)}-${10 + Math.floor(random() * 18)}`;
        default:
          return v;
      }
    };
    if (repeated) {
      const min = Math.max(n.multiplicity.min, 1);
      const max = Math.min(n.multiplicity.max ?? min + 2, min + 2);
      const count = min + Math.floor(random() * (max - min + 1));
      out[n.key] = Array.from({ length: count }, () => one((value as unknown[])[0]));
    } else {
      out[n.key] = one(value);
    }
  }
  return out;
}

/** Breaks a submission in one to three ways that a portal could produce. */
function corrupt(data: Json): Json {
  const d = structuredClone(data);
  const person = d.G00000630 as Json;
  const work = d.G00000642 as Json;
  const faults = [
    () => delete person.F00000013,
    () => (person.F00000065 = 'q'),
    () => (person.F00001017 = '1,80'),
    () => (work.F00000728 = 1234.567),
    () => (work.F00001025 = '31.12.2020'),
    () => (d.unexpected = true),
    () => (person.F00001019 = 'foto.jpg'),
    () => delete d.F00001029,
  ];
  const n = 1 + Math.floor(random() * 3);
  for (let i = 0; i < n; i++) pick(faults)();
  return d;
}

const full = ours.sample(true);
const submissions: Json[] = [];
for (let i = 0; i < SUBMISSIONS; i++) {
  const v = variant(ours.plan.children, full);
  submissions.push(random() < INVALID_SHARE ? corrupt(v) : v);
}

let invalid = 0;
for (const s of submissions) {
  const a = ours.validate(s).valid;
  if (a !== validateAjvAll(s) || a !== validateAjvFirst(s)) {
    throw new Error(`verdicts differ for ${JSON.stringify(s)}`);
  }
  if (!a) invalid++;
}

function measure(fn: (d: Json) => unknown, ms: number): number {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (const s of submissions) fn(s);
    count += submissions.length;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

const contenders: Array<[string, (d: Json) => unknown]> = [
  ['@amtsbote/fim (all errors, FIM ids, de+en)', (d) => ours.validate(d)],
  ['ajv 2020 allErrors on exported schema', (d) => validateAjvAll(d)],
  ['ajv 2020 first error on exported schema', (d) => validateAjvFirst(d)],
];

for (const [, fn] of contenders) measure(fn, WARMUP_MS);
const results = contenders.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++) {
  contenders.forEach(([, fn], i) => results[i].push(measure(fn, ROUND_MS)));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rates = results.map(median);

const kb = (JSON.stringify(submissions).length / submissions.length / 1024).toFixed(1);
console.log(
  `BlaueKarte S00000121: ${submissions.length} submissions (${invalid} invalid), ~${kb} KiB JSON each`,
);
console.log(`median of ${ROUNDS} rounds x ${ROUND_MS} ms, node ${process.version}\n`);
contenders.forEach(([name], i) =>
  console.log(
    `${name.padEnd(46)} ${Math.round(rates[i]).toLocaleString('en-US').padStart(10)} validations/s`,
  ),
);
console.log(`\nratio ours / ajv allErrors:   ${(rates[0] / rates[1]).toFixed(2)}x`);
console.log(`ratio ours / ajv first error: ${(rates[0] / rates[2]).toFixed(2)}x`);
/**
 * Patterns: the real portal patterns (E-Mail F60000000242, PLZ F60000000246) on our automaton and on the
 * ECMAScript regex ajv uses; then (a+)+b, where a backtracking engine's time doubles with every character.
 */
function pattern(p: string): { ours: (s: string) => boolean; v8: RegExp } {
  const t = translateXsdPattern(p);
  if (!('regex' in t)) throw new Error(t.en);
  return { ours: (s) => t.regex.test(s), v8: new RegExp(t.source, 'u') };
}
const email = pattern('[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{1,63}$');
const plz = pattern('([0]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{3}');
const values = Array.from({ length: 1000 }, (_, i) =>
  i % 2 === 0
    ? `${pick(NAMES)
        .toLowerCase()
        .replace(/[^a-z]/g, '')}.${i}@example${i % 7}.de`
    : String(10000 + Math.floor(random() * 89999)),
);
const patternRate = (fn: (s: string) => boolean): number =>
  measure(() => {
    for (const v of values) fn(v);
  }, ROUND_MS) * values.length;
const oursPatterns = patternRate((v) => email.ours(v) || plz.ours(v));
const v8Patterns = patternRate((v) => email.v8.test(v) || plz.v8.test(v));
const evil = pattern('(a+)+b');
const time = (fn: () => unknown): number => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const ours27 = time(() => evil.ours('a'.repeat(27)));
const ours100k = time(() => evil.ours('a'.repeat(100_000)));
const v8Times = [18, 20, 22].map((n) => [n, time(() => evil.v8.test('a'.repeat(n)))] as const);
console.log(
  `\npatterns (portal E-Mail + PLZ), tests/s: ours ${Math.round(oursPatterns).toLocaleString('en-US')}, ECMAScript regex (ajv) ${Math.round(v8Patterns).toLocaleString('en-US')}`,
);
console.log(`(a+)+b, ours: 27 chars ${ours27.toFixed(3)} ms, 100000 chars ${ours100k.toFixed(1)} ms`);
console.log(
  `(a+)+b, ECMAScript backtracking: ${v8Times.map(([n, ms]) => `${n} chars ${ms.toFixed(1)} ms`).join(', ')} (doubles per character)`,
);

console.log(
  `BENCH_RESULT ${JSON.stringify({
    bench: 'fim',
    submissions: submissions.length,
    invalid,
    oursPerSecond: rates[0],
    ajvAllErrorsPerSecond: rates[1],
    ajvFirstErrorPerSecond: rates[2],
    ratioToAjvAllErrors: rates[0] / rates[1],
    ratioToAjvFirstError: rates[0] / rates[2],
    patternTestsPerSecondOurs: oursPatterns,
    patternTestsPerSecondEcmaScript: v8Patterns,
    evilPatternOurs27Ms: ours27,
    evilPatternOurs100kMs: ours100k,
    evilPatternEcmaScriptMs: Object.fromEntries(v8Times),
  })}`,
);
