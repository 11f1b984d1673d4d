import { type Metric, register } from 'prom-client';

/** prom-client metrics are process-global; several apps in one test process must share them. */
export function metric<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}
