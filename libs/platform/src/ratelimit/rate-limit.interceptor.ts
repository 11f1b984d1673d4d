import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { type AuthenticatedRequest, principalKey } from '../auth';
import { ProblemException } from '../errors';
import { isOperationalPath } from '../http/operational-paths';
import type { TokenBuckets } from './token-bucket';

export const CLIENT_RATE_LIMIT = Symbol('CLIENT_RATE_LIMIT');

/** Headers that carry an anonymous client's access token (a draft's, a receipt's). */
export const ANONYMOUS_TOKEN_HEADERS = ['x-draft-token', 'x-receipt-token'] as const;

function header(req: AuthenticatedRequest, name: string): string | undefined {
  const v = req.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first === '' ? undefined : first;
}

/**
 * Whom a request is counted for: a signed-in caller by account (wherever they connect from, and a portal
 * forwarding many citizens' tokens counts per citizen), an anonymous one by the draft or receipt token it
 * sends, anyone else by address (the client address the ingress reports in X-Forwarded-For).
 */
export function rateLimitKey(req: FastifyRequest & AuthenticatedRequest): string {
  if (req.principal) return `account:${principalKey(req.principal)}`;
  for (const name of ANONYMOUS_TOKEN_HEADERS) {
    const token = header(req, name);
    if (token !== undefined) return `token:${createHash('sha256').update(token).digest('base64url')}`;
  }
  return `address:${req.ip}`;
}

/**
 * The per-client request rate of this replica (RATE_LIMIT_REQUESTS_PER_MINUTE, RATE_LIMIT_BURST): 429 with
 * Retry-After beyond it. Runs after authentication (interceptors follow guards), so a signed-in caller is
 * counted by account. Health and metrics are not limited.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(@Inject(CLIENT_RATE_LIMIT) private readonly buckets: TokenBuckets) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const route = req.routeOptions?.url ?? '';
    if (isOperationalPath(route)) return next.handle();
    const wait = this.buckets.take(rateLimitKey(req));
    if (wait > 0) throw ProblemException.tooManyRequests(wait);
    return next.handle();
  }
}
