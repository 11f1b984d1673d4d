import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { loggableSerializedError } from '../errors/loggable';
import { isOperationalPath } from '../http/operational-paths';

/**
 * Paths pino removes from every log line: credentials, tokens and personal data. Form data never reaches
 * the logs because request bodies are not logged; these catch objects that services log themselves.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-amtsbote-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.receiptToken',
  '*.authorization',
  '*.email',
  '*.data',
  '*.formData',
  '*.iban',
  'password',
  'secret',
  'token',
  'email',
  'data',
];

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Honours a sane incoming X-Request-Id (set by the ingress) or makes a new one. */
export function requestIdFor(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

function withoutQuery(url: string | undefined): string | undefined {
  // Query strings can carry signed-URL signatures and receipt tokens.
  return url?.split('?')[0];
}

let redirected: DestinationStream | undefined;

/**
 * Where the services of this process write their log lines from now on (default: stdout). For tests that
 * read what services log, and for embedders; undefined restores stdout for apps created afterwards.
 */
export function redirectLogs(destination: DestinationStream | undefined): void {
  redirected = destination;
}

export function loggerParams(serviceName: string, level: string): Params {
  const options: Options = {
    level,
    base: { service: serviceName },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    genReqId: (req) => {
      const existing = (req as IncomingMessage & { id?: unknown }).id;
      return typeof existing === 'string' ? existing : requestIdFor(req);
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: {
      // Nest runs this as Fastify middleware (middie), which hides the matched prefix from `req.url` while
      // the middleware runs ("/" for every path); `originalUrl` keeps the path the client asked for.
      ignore: (req) =>
        isOperationalPath((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? ''),
    },
    serializers: {
      req: (req: { id?: unknown; method?: unknown; url?: string }) => ({
        id: req.id,
        method: req.method,
        url: withoutQuery(req.url),
      }),
      res: (res: { statusCode?: unknown }) => ({ statusCode: res.statusCode }),
      // Whoever logs a database error, its quoted data (form values) stays out of the log.
      // (pino-http hands this pino's own serialisation of the error.)
      err: loggableSerializedError,
    },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
  };
  return { pinoHttp: redirected === undefined ? options : [options, redirected] };
}
