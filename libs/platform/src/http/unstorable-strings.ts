import type { FastifyInstance } from 'fastify';
import { type FieldProblem, ProblemException } from '../errors/problem';
import { escapePointer } from '../errors/validation';

/**
 * Characters PostgreSQL cannot store in text or jsonb: NUL (22021/22P05) and UTF-16 surrogates without
 * their partner (JSON's `"\ud800"` parses to one; PostgreSQL refuses it with 22P02 or 22P05).
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex
const UNSTORABLE_ALL = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** At most this many fields are named in one answer. */
export const MAX_REPORTED_UNSTORABLE = 20;

export function hasUnstorableCharacters(s: string): boolean {
  return UNSTORABLE.test(s);
}

/** A path segment that can be shown and logged: the offending characters become U+FFFD. */
function visible(segment: string): string {
  return escapePointer(segment.replace(UNSTORABLE_ALL, '\ufffd'));
}

/**
 * JSON Pointers of the strings (values and keys) in a parsed JSON value that contain an unstorable
 * character; one pass, iterative (the depth is bounded by the parser's check anyway).
 */
export function unstorableStringPaths(value: unknown, max = MAX_REPORTED_UNSTORABLE): string[] {
  const found: string[] = [];
  // [value, its path, whether its key is unstorable]; popped in document order.
  const stack: Array<[unknown, string, boolean]> = [[value, '', false]];
  while (stack.length > 0 && found.length < max) {
    const [v, path, badKey] = stack.pop()!;
    if (badKey || (typeof v === 'string' && UNSTORABLE.test(v))) {
      found.push(path);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`, false]);
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        stack.push([(v as Record<string, unknown>)[key], `${path}/${visible(key)}`, UNSTORABLE.test(key)]);
      }
    }
  }
  return found;
}

export function unstorableProblem(paths: string[]): ProblemException {
  const errors: FieldProblem[] = paths.map((path) => ({
    path,
    code: 'unstorable-character',
    message: {
      de: 'Der Text enthält ein Nullzeichen (U+0000) oder ein unvollständiges UTF-16-Zeichen (einzelnes Surrogat); beides kann nicht gespeichert werden.',
      en: 'The text contains a NUL character (U+0000) or an incomplete UTF-16 character (a lone surrogate); neither can be stored.',
    },
  }));
  return ProblemException.badRequest(
    'invalid-characters',
    { de: 'Unzulässige Zeichen', en: 'Characters not allowed' },
    errors,
  );
}

/** The 400 problem for a parsed body with unstorable strings, or undefined. */
export function unstorableStringsProblem(value: unknown): ProblemException | undefined {
  const paths = unstorableStringPaths(value);
  return paths.length > 0 ? unstorableProblem(paths) : undefined;
}

/**
 * Path parameters and query strings get the same check as bodies (`%00` decodes to NUL), before any
 * handler, guard or pipe runs; the field path names the parameter (`/filename`).
 */
export function refuseUnstorableParameters(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const paths = [
      ...unstorableStringPaths(request.params ?? {}),
      ...unstorableStringPaths(request.query ?? {}),
    ];
    done(paths.length > 0 ? unstorableProblem(paths) : undefined);
  });
}
