import { kafkaBrokers, kafkaReady, startKafka, stopKafka, type KafkaOptions } from './kafka';
import { oidcIssuer, oidcReady, startOidc, stopOidc } from './oidc';
import { stackPaths } from './paths';
import { postgresReady, postgresRunning, postgresUrl, startPostgres, stopPostgres } from './postgres';
import { processStatus } from './process';
import { s3Endpoint, s3Ready, startSeaweedfs, stopSeaweedfs } from './seaweedfs';
import type { ComponentStart, ComponentStop, StackComponent, StartOptions, StopOptions } from './types';
import { errorMessage } from './util';

export const STACK_COMPONENTS: readonly StackComponent[] = Object.freeze([
  'kafka',
  'postgres',
  'oidc',
  'seaweedfs',
]);

export function isStackComponent(value: string): value is StackComponent {
  return (STACK_COMPONENTS as readonly string[]).includes(value);
}

export function startComponent(component: StackComponent, opts: StartOptions = {}): Promise<ComponentStart> {
  switch (component) {
    case 'kafka':
      return startKafka(opts);
    case 'postgres':
      return startPostgres(opts);
    case 'oidc':
      return startOidc(opts);
    case 'seaweedfs':
      return startSeaweedfs(opts);
  }
}

export function stopComponent(component: StackComponent, opts: StopOptions = {}): Promise<ComponentStop> {
  switch (component) {
    case 'kafka':
      return stopKafka(opts);
    case 'postgres':
      return stopPostgres(opts);
    case 'oidc':
      return stopOidc(opts);
    case 'seaweedfs':
      return stopSeaweedfs(opts);
  }
}

export interface StackOptions extends StartOptions {
  /** Subset to act on; default all of kafka, postgres, oidc, seaweedfs. */
  only?: readonly StackComponent[];
}

/** Thrown by startStack/stopStack when some component failed; the others were still handled. */
export class StackError extends Error {
  constructor(
    message: string,
    readonly failures: ReadonlyArray<{ component: StackComponent; error: unknown }>,
  ) {
    super(message);
    this.name = 'StackError';
  }
}

async function forEachComponent<T>(
  components: readonly StackComponent[],
  verb: string,
  fn: (c: StackComponent) => Promise<T>,
): Promise<T[]> {
  const settled = await Promise.allSettled(components.map(fn));
  const failures = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [{ component: components[i], error: s.reason as unknown }] : [],
  );
  if (failures.length > 0) {
    const details = failures.map((f) => `${f.component}: ${errorMessage(f.error)}`).join('\n');
    throw new StackError(
      `Could not ${verb} ${failures.map((f) => f.component).join(', ')}:\n${details}`,
      failures,
    );
  }
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** Starts the components (in parallel; default all) and resolves once each is ready. Idempotent. */
export function startStack(opts: StackOptions = {}): Promise<ComponentStart[]> {
  return forEachComponent(opts.only ?? STACK_COMPONENTS, 'start', (c) => startComponent(c, opts));
}

/** Stops the components (default all). Stopping what is not running is fine. */
export function stopStack(opts: Pick<StackOptions, 'only'> = {}): Promise<ComponentStop[]> {
  return forEachComponent(opts.only ?? STACK_COMPONENTS, 'stop', (c) => stopComponent(c));
}

export interface ComponentStatus {
  component: StackComponent;
  /** The process of our pid file is alive. */
  running: boolean;
  /** It answered a protocol-level probe just now. */
  ready: boolean;
  pid?: number;
  startedAt?: string;
  url: string;
  logFile: string;
}

function recordedPort(meta: Record<string, unknown> | undefined): number | undefined {
  return typeof meta?.port === 'number' ? meta.port : undefined;
}

async function componentStatus(component: StackComponent): Promise<ComponentStatus> {
  const paths = stackPaths();
  if (component === 'postgres') postgresRunning(); // adopts a postmaster started by pg_ctl
  const status = processStatus(component);
  const record = status.running ? status.record : undefined;
  const port = recordedPort(record?.meta);
  const base = { component, running: status.running, pid: record?.pid, startedAt: record?.startedAt };
  switch (component) {
    case 'kafka': {
      const brokers = kafkaBrokers({ port } satisfies KafkaOptions);
      const ready = status.running && (await kafkaReady(brokers));
      return { ...base, ready, url: brokers.join(','), logFile: paths.kafka.log };
    }
    case 'postgres': {
      const url = postgresUrl(undefined, { port });
      const ready = status.running && (await postgresReady(port));
      return { ...base, ready, url, logFile: paths.postgres.log };
    }
    case 'oidc': {
      const issuer = oidcIssuer({ port });
      const ready = status.running && (await oidcReady(issuer));
      return { ...base, ready, url: issuer, logFile: paths.oidc.log };
    }
    case 'seaweedfs': {
      const endpoint = s3Endpoint({ port });
      const ready = status.running && (await s3Ready(endpoint));
      return { ...base, ready, url: endpoint, logFile: paths.seaweedfs.log };
    }
  }
}

/** Liveness (pid file) and readiness (one real probe) of each component. */
export function stackStatus(opts: Pick<StackOptions, 'only'> = {}): Promise<ComponentStatus[]> {
  return Promise.all((opts.only ?? STACK_COMPONENTS).map(componentStatus));
}
