import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { buildProblem } from '../errors';

const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Fastify's `frameworkErrors`: what its router refuses before any handler runs (a path with broken
 * percent-encoding, a path parameter over the length limit) is answered as problem+json like everything else.
 */
export function frameworkErrorProblem(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { doc, headers } = buildProblem(error, request, request.id);
  void reply
    .status(doc.status)
    .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': request.id })
    .send(JSON.stringify(doc));
}

/** The HTTP status Node's parser error stands for (as Fastify's default handler maps it). */
function clientErrorStatus(err: NodeJS.ErrnoException): number {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (err.code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses (headers or URL too large, malformed
 * request line) never become requests, so the problem document is written to the socket directly.
 */
export function clientErrorProblem(err: NodeJS.ErrnoException, socket: Socket): void {
  // The client is gone: nothing to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = clientErrorStatus(err);
  const correlationId = randomUUID();
  const { doc } = buildProblem({ statusCode: status, code: err.code ?? '' }, undefined, correlationId);
  const body = JSON.stringify(doc);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${correlationId}\r\n` +
        // What the onSend hook adds to every other answer (security-headers.ts).
        'Cache-Control: no-store\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(err);
}
