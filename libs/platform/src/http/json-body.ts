import type { FastifyInstance } from 'fastify';
import { ProblemException } from '../errors';
import { routeBodyLimit } from './body-limit';
import { unstorableStringsProblem } from './unstorable-strings';

/**
 * Deepest nesting of objects and arrays a JSON request body may have. Form data of the deepest FIM schemas
 * stays far below; validation and canonicalisation walk bodies recursively, so a body nested thousands of
 * levels deep would otherwise exhaust the stack instead of being refused.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Most object members (keys) a JSON request body may have unless its route allows more. The largest real
 * FIM-portal schema has 324 field and group occurrences; filled in completely with every unbounded
 * repetition 20 times it has 13 929 keys (docs/deploy.md, "Limits and abuse protection").
 */
export const DEFAULT_MAX_JSON_KEYS = 20_000;

// ignoreBOM keeps a byte order mark in the text, so the text is exactly what was sent.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface JsonStructure {
  /** Deepest nesting of objects and arrays. */
  depth: number;
  /** Object members (every `:` outside a string separates a key from its value). */
  keys: number;
}

/**
 * Nesting depth and key count of JSON text, counted in one pass without parsing (brackets and colons inside
 * strings do not count); stops as soon as a limit is exceeded. Malformed text is left to the parser.
 */
export function jsonStructure(text: string, limits: { depth?: number; keys?: number } = {}): JsonStructure {
  const maxDepth = limits.depth ?? Number.POSITIVE_INFINITY;
  const maxKeys = limits.keys ?? Number.POSITIVE_INFINITY;
  let depth = 0;
  let max = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x3a) {
      if (++keys > maxKeys) break;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > maxDepth) break;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return { depth: max, keys };
}

/** Nesting depth of JSON text (see {@link jsonStructure}). */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  return jsonStructure(text, { depth: limit }).depth;
}

/**
 * The text of a request body that must be UTF-8 (JSON, XML): invalid bytes are refused with a 400 problem
 * instead of being replaced by U+FFFD, which would silently change what the client sent.
 */
export function decodeUtf8Body(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw ProblemException.badRequest(
      'invalid-utf8',
      { de: 'Ungültige Zeichenkodierung', en: 'Invalid character encoding' },
      undefined,
      {
        de: 'Der Anfragetext ist kein gültiges UTF-8.',
        en: 'The request body is not valid UTF-8.',
      },
    );
  }
}

function tooDeep(limit: number): ProblemException {
  return ProblemException.badRequest(
    'json-too-deep',
    { de: 'JSON zu tief verschachtelt', en: 'JSON nested too deeply' },
    undefined,
    {
      de: `Der JSON-Anfragetext ist tiefer als ${limit} Ebenen verschachtelt.`,
      en: `The JSON request body is nested deeper than ${limit} levels.`,
    },
  );
}

function tooManyKeys(limit: number): ProblemException {
  return new ProblemException({
    status: 413,
    code: 'json-too-many-keys',
    title: { de: 'Zu viele Angaben', en: 'Too many properties' },
    detail: {
      de: `Der JSON-Anfragetext hat mehr als ${limit} Eigenschaften.`,
      en: `The JSON request body has more than ${limit} properties.`,
    },
    extensions: { limit },
  });
}

export interface StrictJsonOptions {
  maxDepth?: number;
  /** Keys a body may have on routes without their own `@BodyLimit({ jsonKeys })`. */
  maxKeys?: number;
}

/**
 * Replaces the JSON body parser. Everything it does is linear in the size of the body: the bytes must be
 * valid UTF-8 (no silent U+FFFD); nesting depth and key count are counted before parsing (a body over the
 * limits is never parsed); then the default parser runs (prototype poisoning refused); then every string,
 * keys included, must be storable (no NUL, no lone surrogate). Call before `ready()`.
 */
export function useStrictJsonBodies(fastify: FastifyInstance, o: StrictJsonOptions = {}): void {
  const maxDepth = o.maxDepth ?? MAX_JSON_DEPTH;
  const defaultKeys = o.maxKeys ?? DEFAULT_MAX_JSON_KEYS;
  const parse = fastify.getDefaultJsonParser('error', 'error');
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decodeUtf8Body(body as Buffer);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    const maxKeys = routeBodyLimit(request)?.jsonKeys ?? defaultKeys;
    const shape = jsonStructure(text, { depth: maxDepth, keys: maxKeys });
    if (shape.depth > maxDepth) {
      done(tooDeep(maxDepth), undefined);
      return;
    }
    if (shape.keys > maxKeys) {
      done(tooManyKeys(maxKeys), undefined);
      return;
    }
    void parse(request, text, (err, value: unknown) => {
      if (err) {
        done(err, undefined);
        return;
      }
      const problem = unstorableStringsProblem(value);
      if (problem) done(problem, undefined);
      else done(null, value);
    });
  });
}
