/**
 * Recognises failures of the database or broker connection (as opposed to bugs), so the API can answer
 * 503 with Retry-After instead of 500 while a dependency is away.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /connection.*(timeout|timed out)/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down)/i,
  /Client has encountered a connection error/i,
  /KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError|KafkaJSNonRetriableError.*Connection/i,
];

export function isTransientInfrastructureError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    name?: unknown;
    transient?: unknown;
  };
  // A dependency other than the database or broker that is away (e.g. a remote registry): wait, like for them.
  if (e.transient === true) return true;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  const text = `${typeof e.name === 'string' ? e.name : ''} ${typeof e.message === 'string' ? e.message : ''}`;
  if (TRANSIENT_MESSAGES.some((re) => re.test(text))) return true;
  return (
    isTransientInfrastructureError(e.driverError, depth + 1) ||
    isTransientInfrastructureError(e.cause, depth + 1)
  );
}
