import { Counter, Histogram, register } from 'prom-client';

/** prom-client metrics are process-global; several app instances in one test process share them. */
function metric<M>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

export const routingMetrics = () => ({
  validation: metric(
    'amtsbote_routing_validation_seconds',
    () =>
      new Histogram({
        name: 'amtsbote_routing_validation_seconds',
        help: 'Time validating outgoing messages against XSD / JSON Schema',
        labelNames: ['format', 'schema'],
        buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
      }),
  ),
  build: metric(
    'amtsbote_routing_build_seconds',
    () =>
      new Histogram({
        name: 'amtsbote_routing_build_seconds',
        help: 'Time building a message (including validation and encryption)',
        labelNames: ['format'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      }),
  ),
  deliveries: metric(
    'amtsbote_routing_deliveries_total',
    () =>
      new Counter({
        name: 'amtsbote_routing_deliveries_total',
        help: 'Delivery outcomes by channel and format',
        labelNames: ['channel', 'format', 'outcome'],
      }),
  ),
  jose: metric(
    'amtsbote_routing_jose_seconds',
    () =>
      new Histogram({
        name: 'amtsbote_routing_jose_seconds',
        help: 'Time in JOSE operations of the fit-connect channel (encrypt, decrypt, SET verification)',
        labelNames: ['operation'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      }),
  ),
  unroutable: metric(
    'amtsbote_routing_unroutable_total',
    () =>
      new Counter({
        name: 'amtsbote_routing_unroutable_total',
        help: 'Ready submissions failed with NO_AUTHORITY (no route or an inactive destination), by tenant',
        labelNames: ['tenant'],
      }),
  ),
  routingApi: metric(
    'amtsbote_routing_fitconnect_routing_api_lookups_total',
    () =>
      new Counter({
        name: 'amtsbote_routing_fitconnect_routing_api_lookups_total',
        help:
          'Zuständigkeit from the FIT-Connect Routing API: hit, cache_hit, miss, ambiguous, unverified, error (lookups), ' +
          'override (an own regional route won), fallback (own table used after a miss or error), by tenant',
        labelNames: ['tenant', 'outcome'],
      }),
  ),
});
