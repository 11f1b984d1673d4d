import type { FastifyInstance } from 'fastify';
import { ProblemException } from '../errors';

/**
 * Deepest nesting of objects and arrays a JSON request body may have. Form data of the deepest FIM schemas
 * stays far below; validation and canonicalisation walk bodies recursively, so a body nested thousands of
 * levels deep would otherwise exhaust the stack instead of being refused.
 */
export const MAX_JSON_DEPTH = 64;

// ignoreBOM keeps a byte order mark in the text, so the text is exactly what was sent.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Nesting depth of the objects and arrays in JSON text, counted without parsing (brackets inside strings do
 * not count); stops as soon as the depth exceeds `limit`. Malformed text is left to the parser.
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
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

/**
 * Replaces the JSON body parser: the bytes must be valid UTF-8 (no silent U+FFFD) and nested at most
 * `maxDepth` levels; then the default parser runs (prototype poisoning refused). Call before `ready()`.
 */
export function useStrictJsonBodies(fastify: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
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
    if (jsonNestingDepth(text, maxDepth) > maxDepth) {
      done(tooDeep(maxDepth), undefined);
      return;
    }
    void parse(request, text, done);
  });
}
