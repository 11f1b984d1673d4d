import type { FimError } from '@amtsbote/fim';
import type { FieldProblem } from '@amtsbote/platform';

/** A FIM validation error as a field problem, its path pointing into the request body under `prefix`. */
export function fimProblem(e: FimError, prefix = '/data'): FieldProblem {
  return { path: `${prefix}${e.path}`, code: e.code, message: e.message, elementId: e.elementId };
}
