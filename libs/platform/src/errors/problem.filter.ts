import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Bilingual, type FieldProblem, PROBLEM_TYPE_BASE, ProblemException } from './problem';
import { loggableError } from './loggable';
import { isTransientInfrastructureError } from './transient';

const GENERIC: Record<number, { code: string; title: Bilingual }> = {
  400: { code: 'bad-request', title: { de: 'Ungültige Anfrage', en: 'Bad request' } },
  401: { code: 'unauthorized', title: { de: 'Anmeldung erforderlich', en: 'Authentication required' } },
  403: { code: 'forbidden', title: { de: 'Keine Berechtigung', en: 'Forbidden' } },
  404: { code: 'not-found', title: { de: 'Nicht gefunden', en: 'Not found' } },
  405: { code: 'method-not-allowed', title: { de: 'Methode nicht erlaubt', en: 'Method not allowed' } },
  406: { code: 'not-acceptable', title: { de: 'Nicht akzeptabel', en: 'Not acceptable' } },
  408: { code: 'request-timeout', title: { de: 'Zeitüberschreitung', en: 'Request timeout' } },
  409: { code: 'conflict', title: { de: 'Konflikt', en: 'Conflict' } },
  413: { code: 'payload-too-large', title: { de: 'Anfrage zu groß', en: 'Payload too large' } },
  414: { code: 'uri-too-long', title: { de: 'Adresse zu lang', en: 'URI too long' } },
  415: {
    code: 'unsupported-media-type',
    title: { de: 'Nicht unterstützter Medientyp', en: 'Unsupported media type' },
  },
  422: { code: 'unprocessable', title: { de: 'Nicht verarbeitbar', en: 'Unprocessable content' } },
  429: { code: 'too-many-requests', title: { de: 'Zu viele Anfragen', en: 'Too many requests' } },
  431: {
    code: 'header-fields-too-large',
    title: { de: 'Kopfzeilen zu groß', en: 'Request header fields too large' },
  },
  503: {
    code: 'service-unavailable',
    title: { de: 'Dienst vorübergehend nicht verfügbar', en: 'Service temporarily unavailable' },
  },
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  titles: Bilingual;
  details?: Bilingual;
  errors?: FieldProblem[];
  correlationId: string;
  [extension: string]: unknown;
}

function genericFor(status: number): { code: string; title: Bilingual } {
  return (
    GENERIC[status] ??
    (status >= 500
      ? { code: 'internal-error', title: { de: 'Interner Fehler', en: 'Internal error' } }
      : { code: 'client-error', title: { de: 'Fehlerhafte Anfrage', en: 'Client error' } })
  );
}

/** Picks German or English for the top-level `title`/`detail` from Accept-Language; both stay in `titles`. */
function preferGerman(req: FastifyRequest | undefined): boolean {
  const header = req?.headers['accept-language'];
  if (typeof header !== 'string') return true;
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return !first.startsWith('en');
}

/** Errors raised by Fastify itself (body parser, limits, content type) carry a statusCode. */
function fastifyClientError(err: unknown): { status: number; code: string; message: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      code: typeof e.code === 'string' ? e.code : '',
      message: typeof e.message === 'string' ? e.message : '',
    };
  }
  return undefined;
}

const FASTIFY_DETAILS: Record<string, Bilingual> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    de: 'Der Content-Type der Anfrage wird nicht unterstützt.',
    en: 'The request content type is not supported.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    de: 'Der Anfragetext überschreitet die zulässige Größe.',
    en: 'The request body exceeds the allowed size.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    de: 'Der JSON-Anfragetext ist leer.',
    en: 'The JSON request body is empty.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    de: 'Der Anfragetext ist kein gültiges JSON.',
    en: 'The request body is not valid JSON.',
  },
  FST_ERR_BAD_URL: {
    de: 'Die Adresse enthält eine ungültige Prozentkodierung.',
    en: 'The URL contains invalid percent-encoding.',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    de: 'Ein Pfadparameter der Adresse ist zu lang.',
    en: 'A path parameter of the URL is too long.',
  },
  // Node's HTTP parser (clientErrorHandler), before a request exists:
  HPE_HEADER_OVERFLOW: {
    de: 'Adresse und Kopfzeilen der Anfrage sind zusammen zu groß.',
    en: 'The URL and header fields of the request are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    de: 'Die Anfrage kam nicht rechtzeitig vollständig an.',
    en: 'The request did not arrive completely in time.',
  },
};

/** A problem names at most this many field errors (a route import or form can have far more). */
export const MAX_PROBLEM_ERRORS = 1000;

export function buildProblem(
  exception: unknown,
  req: FastifyRequest | undefined,
  correlationId: string,
): { doc: ProblemDocument; headers: Record<string, string>; unexpected: boolean } {
  let status = 500;
  let code = 'internal-error';
  let title: Bilingual = genericFor(500).title;
  let detail: Bilingual | undefined = {
    de: `Ein unerwarteter Fehler ist aufgetreten. Bitte nennen Sie bei Rückfragen die Kennung ${correlationId}.`,
    en: `An unexpected error occurred. Please quote the id ${correlationId} when you contact us.`,
  };
  let errors: FieldProblem[] | undefined;
  let extensions: Record<string, unknown> = {};
  let headers: Record<string, string> = {};
  let unexpected = false;

  if (exception instanceof ProblemException) {
    const p = exception.problem;
    status = p.status;
    code = p.code;
    title = p.title;
    detail = p.detail;
    errors = p.errors;
    extensions = p.extensions ?? {};
    headers = p.headers ?? {};
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const g = genericFor(status);
    code = g.code;
    title = g.title;
    detail = status >= 500 ? detail : undefined;
    unexpected = status >= 500;
    if (status === 404) {
      detail = {
        de: 'Die angefragte Ressource gibt es nicht.',
        en: 'The requested resource does not exist.',
      };
    }
  } else if (fastifyClientError(exception)) {
    const fe = fastifyClientError(exception)!;
    status = fe.status;
    const g = genericFor(status);
    code = g.code;
    title = g.title;
    detail = FASTIFY_DETAILS[fe.code] ?? {
      de: 'Die Anfrage ist fehlerhaft.',
      en: 'The request is malformed.',
    };
  } else if (isTransientInfrastructureError(exception)) {
    status = 503;
    const g = genericFor(503);
    code = g.code;
    title = g.title;
    detail = {
      de: 'Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
      en: 'The service is temporarily unavailable. Please try again shortly.',
    };
    headers = { 'Retry-After': '5' };
  } else {
    unexpected = true;
  }

  const german = preferGerman(req);
  const doc: ProblemDocument = {
    type: PROBLEM_TYPE_BASE + code,
    title: german ? title.de : title.en,
    status,
    ...(detail ? { detail: german ? detail.de : detail.en } : {}),
    ...(req?.url ? { instance: req.url.split('?')[0] } : {}),
    code,
    titles: title,
    ...(detail ? { details: detail } : {}),
    ...(errors && errors.length > 0 ? { errors: errors.slice(0, MAX_PROBLEM_ERRORS) } : {}),
    ...(errors && errors.length > MAX_PROBLEM_ERRORS ? { errorsTruncated: errors.length } : {}),
    correlationId,
    ...extensions,
  };
  return { doc, headers, unexpected };
}

/** Renders every error as RFC 9457 problem+json; never leaks internals of unexpected errors. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const correlationId = typeof req?.id === 'string' && req.id.length > 0 ? req.id : randomUUID();
    const { doc, headers, unexpected } = buildProblem(exception, req, correlationId);
    if (unexpected) {
      // Database errors quote the data they failed on (form data included): never logged verbatim.
      this.logger.error({ err: loggableError(exception), correlationId }, 'unexpected error');
    } else if (doc.status === 503) {
      this.logger.warn({ correlationId, err: loggableError(exception) }, 'dependency unavailable');
    }
    if (reply.sent) return;
    void reply
      .status(doc.status)
      .headers({ ...headers, 'content-type': 'application/problem+json; charset=utf-8' })
      .send(JSON.stringify(doc));
  }
}
