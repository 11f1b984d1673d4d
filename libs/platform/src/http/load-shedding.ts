import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, register } from 'prom-client';
import { ProblemException } from '../errors';
import { isOperationalPath } from './operational-paths';

export interface LoadSheddingOptions {
  /** Requests a replica works on at once; beyond, 503 at once. 0: no limit. */
  maxInFlight: number;
  /** What the 503 tells the client to wait. */
  retryAfterSeconds?: number;
}

/**
 * Answered whatever the load: probes and scrapes (a replica that sheds is busy, not dead), and the signed
 * service-to-service downloads (`/files/<id>`, see FileLinks): through them routing takes the attachments of
 * submissions already accepted, and draining that backlog must not wait behind new arrivals (shed, each
 * of those fetches cost a delivery attempt and a backoff).
 */
const exempt = (request: FastifyRequest) =>
  isOperationalPath(request.url) || request.url.startsWith('/files/');

/** prom-client metrics are process-global: several apps in one test process share the counter. */
const shedCounter = () =>
  (register.getSingleMetric('amtsbote_http_shed_total') as Counter | undefined) ??
  new Counter({
    name: 'amtsbote_http_shed_total',
    help: 'Requests answered 503 at once because the replica already worked on HTTP_MAX_IN_FLIGHT requests',
  });

/**
 * Bounds the requests a replica works on at once. Past the bound, a request gets a 503 problem with
 * Retry-After before any work, so a launch-day burst gets quick answers — some "come back in a moment" —
 * instead of a queue that grows until clients time out or connections are refused (measured: at 200
 * submissions/s on two cores, 205 of 3 000 got no answer at all — connect timeouts and resets).
 */
export function useLoadShedding(fastify: FastifyInstance, o: LoadSheddingOptions): () => number {
  let inFlight = 0;
  if (o.maxInFlight <= 0) return () => inFlight;
  const counter = shedCounter();
  const retryAfter = o.retryAfterSeconds ?? 2;
  fastify.addHook('onRequest', async (request, reply) => {
    if (exempt(request)) return;
    if (inFlight >= o.maxInFlight) {
      counter.inc();
      throw ProblemException.unavailable(
        {
          de: `Der Dienst ist gerade stark ausgelastet. Bitte versuchen Sie es in ${retryAfter} Sekunden noch einmal.`,
          en: `The service is very busy right now. Please try again in ${retryAfter} seconds.`,
        },
        retryAfter,
        'overloaded',
      );
    }
    inFlight++;
    // 'close' comes once the answer is sent or the client went away, whichever is first.
    reply.raw.once('close', () => inFlight--);
  });
  return () => inFlight;
}
