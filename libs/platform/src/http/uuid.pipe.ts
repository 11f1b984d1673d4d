import { Injectable, type PipeTransform } from '@nestjs/common';
import { ProblemException } from '../errors/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For the id of a resource in a path (`@Param('id', UuidPipe)`). An id that is no UUID cannot name anything,
 * so the answer is the same 404 as for an id that does not exist or is someone else's: a malformed id tells
 * the caller nothing an unknown one would not. Passes the id on in lower case.
 */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw ProblemException.notFound();
    return value.toLowerCase();
  }
}
