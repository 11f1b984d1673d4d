import { KAFKA_BROKERS, OIDC_ISSUER, postgresUrl, POSTGRES_DEV_DATABASE } from '../stack';

export const SERVICE_PORTS = { intake: 3001, accounts: 3002, payment: 3003, routing: 3004 } as const;
export type ServiceName = keyof typeof SERVICE_PORTS;

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
    ...extra,
  };
}
