import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ProblemException } from '../errors/problem';

/**
 * For a single query parameter where a DTO does not fit (a URL whose other parameters are someone else's,
 * e.g. a payment provider's): absent passes, a value that is not one string matching `pattern` is a 400
 * naming the parameter by its JSON Pointer (`/token`), like every other validation error.
 */
@Injectable()
export class PatternPipe implements PipeTransform<unknown, string | undefined> {
  constructor(private readonly pattern: RegExp) {}

  transform(value: unknown, metadata: ArgumentMetadata): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && this.pattern.test(value)) return value;
    const name = metadata.data ?? 'value';
    throw ProblemException.badRequest(
      'validation-failed',
      { de: 'Die Anfrage enthält ungültige Angaben', en: 'The request contains invalid values' },
      [
        {
          path: `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          code: 'matches',
          message: {
            de: `${name} hat nicht das erwartete Format.`,
            en: `${name} does not have the expected format.`,
          },
        },
      ],
    );
  }
}
