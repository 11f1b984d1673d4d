import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Histogram, register } from 'prom-client';
import { Public } from '../auth';
import { ProblemException } from '../errors';
import { isOperationalPath } from '../http/operational-paths';

export const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

function tokenMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
export interface MetricsOptions {
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
  /** Without a token: serve anyone (true) or nobody (false, the default). */
  public?: boolean;
}

let defaultsCollected = false;
/** Process metrics once per process, whatever number of apps a test starts in it. */
export function ensureDefaultMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ prefix: 'amtsbote_' });
}

function histogram(): Histogram<'method' | 'route' | 'status'> {
  const existing = register.getSingleMetric('amtsbote_http_request_duration_seconds');
  if (existing) return existing as Histogram<'method' | 'route' | 'status'>;
  return new Histogram({
    name: 'amtsbote_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
}

/** Records request durations by route template (never the raw URL, which can carry ids). */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  const h = histogram();
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    if (!isOperationalPath(route)) {
      h.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });
}

@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_OPTIONS) private readonly options: MetricsOptions) {}

  /**
   * Closed unless configured: series carry route and tenant labels and the service's load, which is nobody
   * else's business. With METRICS_TOKEN a scrape sends it as a bearer token; METRICS_PUBLIC opens it.
   */
  @Get()
  async metrics(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply) {
    if (this.options.token !== undefined) {
      if (!tokenMatches(authorization, `Bearer ${this.options.token}`)) throw ProblemException.unauthorized();
    } else if (this.options.public !== true) {
      throw ProblemException.forbidden({
        de: '/metrics ist geschlossen: METRICS_TOKEN setzen (oder METRICS_PUBLIC=true).',
        en: '/metrics is closed: set METRICS_TOKEN (or METRICS_PUBLIC=true).',
      });
    }
    const body = await register.metrics();
    await reply.header('content-type', register.contentType).send(body);
  }
}
