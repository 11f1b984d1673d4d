import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  KAFKA_BROKERS,
  OIDC_ISSUER,
  postgresUrl,
  POSTGRES_DEV_DATABASE,
  repoRoot,
  stackPaths,
} from '../stack';
import { fileStoreServiceEnv, testFileStore } from './file-store-env';
import { envPort } from '../stack/util';

/**
 * Ports of the services the demo (and a developer) runs against the local stack; AMTSBOTE_<SERVICE>_PORT
 * moves one, like the stack's ports, so two checkouts on one machine do not collide.
 */
export const SERVICE_PORTS = {
  intake: envPort('AMTSBOTE_INTAKE_PORT', 3001),
  accounts: envPort('AMTSBOTE_ACCOUNTS_PORT', 3002),
  payment: envPort('AMTSBOTE_PAYMENT_PORT', 3003),
  routing: envPort('AMTSBOTE_ROUTING_PORT', 3004),
} as const;
export type ServiceName = keyof typeof SERVICE_PORTS;

/** Ports of the simulators the demo runs beside the services (AMTSBOTE_*_SIMULATOR_PORT moves them). */
export const SIMULATOR_PORTS = {
  payment: envPort('AMTSBOTE_PAYMENT_SIMULATOR_PORT', 4500),
  fachverfahren: envPort('AMTSBOTE_FACHVERFAHREN_SIMULATOR_PORT', 4600),
  zustelldienst: envPort('AMTSBOTE_ZUSTELLDIENST_SIMULATOR_PORT', 4700),
} as const;

/** Base URL of a service run with {@link devServiceEnv}. */
export function devServiceUrl(service: ServiceName): string {
  return `http://127.0.0.1:${SERVICE_PORTS[service]}`;
}

/** `../shared/fixtures` beside the checkout: the XÖV schema bundles (XOEV_SCHEMA_DIR in development). */
export function devSchemaDir(): string {
  return join(repoRoot(), '..', 'shared', 'fixtures');
}

/** HMAC secrets of signed file URLs: random per process (each service signs and checks its own URLs). */
const runSecrets: Record<ServiceName, string> = {
  intake: randomBytes(32).toString('base64url'),
  accounts: randomBytes(32).toString('base64url'),
  payment: '',
  routing: randomBytes(32).toString('base64url'),
};

/**
 * The production-ish settings of each service in development: public URLs, file stores under
 * `.stack/demo/<service>`, file-URL secrets, the XÖV schema bundles. ROUTING_SECRETS_KEY keeps its
 * development default so destination secrets stored in the dev database stay readable across runs.
 */
function serviceSettings(service: ServiceName): Record<string, string> {
  const dir = (name: string) => join(stackPaths().stackDir, 'demo', name);
  switch (service) {
    case 'intake':
      return {
        INTAKE_PUBLIC_URL: devServiceUrl('intake'),
        INTAKE_STORAGE_DIR: dir('intake-attachments'),
        INTAKE_DOWNLOAD_URL_SECRET: runSecrets.intake,
      };
    case 'accounts':
      return {
        ACCOUNTS_PUBLIC_URL: devServiceUrl('accounts'),
        ACCOUNTS_STORAGE_DIR: dir('accounts-files'),
        ACCOUNTS_FILE_URL_SECRET: runSecrets.accounts,
        ACCOUNTS_WORKER_INTERVAL_MS: '500',
      };
    case 'payment':
      return { PAYMENT_PUBLIC_BASE_URL: devServiceUrl('payment') };
    case 'routing':
      return {
        ROUTING_PUBLIC_URL: devServiceUrl('routing'),
        ROUTING_FILE_URL_SECRET: runSecrets.routing,
        XOEV_SCHEMA_DIR: devSchemaDir(),
      };
  }
}

/** Environment for running a service against the local stack (the demo and developers use it). */
export function devServiceEnv(
  service: ServiceName,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(SERVICE_PORTS[service]),
    LOG_LEVEL: 'info',
    DATABASE_URL: postgresUrl(POSTGRES_DEV_DATABASE),
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    KAFKA_CLIENT_ID: `amtsbote-${service}-dev`,
    KAFKA_RETRY_DELAYS_MS: '500,2000,5000',
    OIDC_ISSUERS: OIDC_ISSUER,
    OIDC_AUDIENCE: 'amtsbote',
    // On loopback in development; deployments set METRICS_TOKEN instead.
    METRICS_PUBLIC: 'true',
    ...serviceSettings(service),
    // FILE_STORE=s3 npm run demo: the files in the stack's S3 server, `dev-<service>/` like the dev database.
    ...fileStoreServiceEnv(testFileStore(), `dev-${service}`, false),
    ...extra,
  };
}
