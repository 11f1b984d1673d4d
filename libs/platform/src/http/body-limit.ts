import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Limits of one route's request body, above the service's defaults. */
export interface RouteBodyLimit {
  /** Largest body in bytes, whatever the content type (Fastify's route `bodyLimit`). */
  bytes?: number;
  /** Most keys of a JSON body. */
  jsonKeys?: number;
}

const CONFIG_KEY = 'amtsboteBodyLimit';

/**
 * A route that needs a larger body than the service's default (a whole application, a Bescheid with its
 * files, a route import). Limits are per route, so one large route does not raise the limit of the others.
 * Content-type parsers with a limit of their own (XML) keep theirs on routes without this decorator.
 */
export const BodyLimit = (limit: RouteBodyLimit): MethodDecorator => RouteConfig({ [CONFIG_KEY]: limit });

/** The `@BodyLimit` of the route a request was routed to. */
export function routeBodyLimit(request: FastifyRequest): RouteBodyLimit | undefined {
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  return config?.[CONFIG_KEY] as RouteBodyLimit | undefined;
}

/** Turns `@BodyLimit({ bytes })` into the route's own body limit. Call before routes are registered. */
export function applyRouteBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const limit = (route.config as Record<string, unknown> | undefined)?.[CONFIG_KEY] as
      RouteBodyLimit | undefined;
    if (limit?.bytes !== undefined) route.bodyLimit = limit.bytes;
  });
}
