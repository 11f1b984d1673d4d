import type { ValidationError } from 'class-validator';
import { type FieldProblem, ProblemException } from './problem';

const CONSTRAINT_TEXT: Record<string, (field: string) => { de: string; en: string }> = {
  isDefined: (f) => ({ de: `${f} fehlt.`, en: `${f} is missing.` }),
  isNotEmpty: (f) => ({ de: `${f} darf nicht leer sein.`, en: `${f} must not be empty.` }),
  whitelistValidation: (f) => ({ de: `${f} ist nicht erlaubt.`, en: `${f} is not allowed.` }),
  isString: (f) => ({ de: `${f} muss ein Text sein.`, en: `${f} must be a string.` }),
  isInt: (f) => ({ de: `${f} muss eine ganze Zahl sein.`, en: `${f} must be an integer.` }),
  isBoolean: (f) => ({ de: `${f} muss wahr oder falsch sein.`, en: `${f} must be a boolean.` }),
  isObject: (f) => ({ de: `${f} muss ein Objekt sein.`, en: `${f} must be an object.` }),
  isArray: (f) => ({ de: `${f} muss eine Liste sein.`, en: `${f} must be an array.` }),
  isUuid: (f) => ({ de: `${f} muss eine UUID sein.`, en: `${f} must be a UUID.` }),
  isEnum: (f) => ({ de: `${f} hat keinen zulässigen Wert.`, en: `${f} has no allowed value.` }),
  matches: (f) => ({
    de: `${f} hat nicht das erwartete Format.`,
    en: `${f} does not have the expected format.`,
  }),
  min: (f) => ({ de: `${f} ist zu klein.`, en: `${f} is too small.` }),
  minDate: (f) => ({ de: `${f} liegt zu früh.`, en: `${f} is too early.` }),
  maxDate: (f) => ({ de: `${f} liegt zu spät.`, en: `${f} is too late.` }),
  max: (f) => ({ de: `${f} ist zu groß.`, en: `${f} is too large.` }),
  maxLength: (f) => ({ de: `${f} ist zu lang.`, en: `${f} is too long.` }),
  minLength: (f) => ({ de: `${f} ist zu kurz.`, en: `${f} is too short.` }),
};

/** One segment of a JSON Pointer (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const path = `${prefix}/${escapePointer(String(error.property))}`;
    for (const [constraint, fallback] of Object.entries(error.constraints ?? {})) {
      const text = CONSTRAINT_TEXT[constraint]?.(error.property) ?? {
        de: `${error.property} ist ungültig (${constraint}).`,
        en: fallback,
      };
      out.push({ path, code: constraint, message: text });
    }
    if (error.children && error.children.length > 0)
      out.push(...flattenValidationErrors(error.children, path));
  }
  return out;
}

/** exceptionFactory for Nest's ValidationPipe: every field error at once, with JSON Pointer paths. */
export function validationProblem(errors: ValidationError[]): ProblemException {
  return ProblemException.badRequest(
    'validation-failed',
    { de: 'Die Anfrage enthält ungültige Angaben', en: 'The request contains invalid values' },
    flattenValidationErrors(errors),
  );
}
