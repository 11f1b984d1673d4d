import { HttpException } from '@nestjs/common';

/** A message in both languages every API answer carries. */
export interface Bilingual {
  de: string;
  en: string;
}

/** One field-level problem, addressed by a JSON Pointer into the request. */
export interface FieldProblem {
  /** JSON Pointer (RFC 6901) into the request body, query or headers, e.g. `/data/F00000013`. */
  path: string;
  code: string;
  message: Bilingual;
  /** FIM element id or similar domain reference, where one exists. */
  elementId?: string;
}

export interface ProblemInit {
  status: number;
  /** Short machine-readable slug; becomes `https://amtsbote.de/problems/<code>` in `type`. */
  code: string;
  title: Bilingual;
  detail?: Bilingual;
  errors?: FieldProblem[];
  /** Extra members for the problem document (RFC 9457 extension members). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const PROBLEM_TYPE_BASE = 'https://amtsbote.de/problems/';

/**
 * The one exception type services throw for client-visible failures. The global filter renders it as
 * RFC 9457 `application/problem+json`.
 */
export class ProblemException extends HttpException {
  readonly problem: ProblemInit;

  constructor(init: ProblemInit) {
    super(init.title.en, init.status);
    this.problem = init;
  }

  static badRequest(
    code: string,
    title: Bilingual,
    errors?: FieldProblem[],
    detail?: Bilingual,
  ): ProblemException {
    return new ProblemException({ status: 400, code, title, errors, detail });
  }

  static unprocessable(
    code: string,
    title: Bilingual,
    errors?: FieldProblem[],
    detail?: Bilingual,
  ): ProblemException {
    return new ProblemException({ status: 422, code, title, errors, detail });
  }

  static notFound(what: Bilingual = { de: 'Ressource', en: 'Resource' }): ProblemException {
    return new ProblemException({
      status: 404,
      code: 'not-found',
      title: { de: 'Nicht gefunden', en: 'Not found' },
      detail: { de: `${what.de} wurde nicht gefunden.`, en: `${what.en} was not found.` },
    });
  }

  static unauthorized(detail?: Bilingual): ProblemException {
    return new ProblemException({
      status: 401,
      code: 'unauthorized',
      title: { de: 'Anmeldung erforderlich', en: 'Authentication required' },
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }

  static forbidden(detail?: Bilingual): ProblemException {
    return new ProblemException({
      status: 403,
      code: 'forbidden',
      title: { de: 'Keine Berechtigung', en: 'Forbidden' },
      detail,
    });
  }

  /** 429 with Retry-After: the client may try again after `retryAfterSeconds`. */
  static tooManyRequests(
    retryAfterSeconds: number,
    detail?: Bilingual,
    code = 'too-many-requests',
  ): ProblemException {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new ProblemException({
      status: 429,
      code,
      title: { de: 'Zu viele Anfragen', en: 'Too many requests' },
      detail: detail ?? {
        de: `Bitte versuchen Sie es in ${seconds} Sekunden noch einmal.`,
        en: `Please try again in ${seconds} seconds.`,
      },
      headers: { 'Retry-After': String(seconds) },
      extensions: { retryAfterSeconds: seconds },
    });
  }

  static conflict(code: string, title: Bilingual, detail?: Bilingual): ProblemException {
    return new ProblemException({ status: 409, code, title, detail });
  }

  static unavailable(
    detail: Bilingual,
    retryAfterSeconds = 5,
    code = 'service-unavailable',
  ): ProblemException {
    return new ProblemException({
      status: 503,
      code,
      title: { de: 'Dienst vorübergehend nicht verfügbar', en: 'Service temporarily unavailable' },
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
