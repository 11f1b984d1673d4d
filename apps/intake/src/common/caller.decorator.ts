import type { AuthenticatedRequest } from '@amtsbote/platform';
import type { FastifyRequest } from 'fastify';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from './access.service';

function header(req: AuthenticatedRequest, name: string): string | undefined {
  const v = req.headers[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first === '' ? undefined : first;
}

/**
 * The caller of a citizen-facing route: the verified principal (if any), `X-Act-For`, and an anonymous access
 * token (`X-Draft-Token` or `X-Receipt-Token`, whichever the route documents).
 */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const req = context.switchToHttp().getRequest<AuthenticatedRequest & FastifyRequest>();
  return {
    principal: req.principal,
    actFor: header(req, 'x-act-for'),
    token: header(req, 'x-draft-token') ?? header(req, 'x-receipt-token'),
    address: req.ip,
  };
});
