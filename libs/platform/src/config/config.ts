import { z } from 'zod';

/** Thrown when the environment does not satisfy an app's config schema; names every bad setting. */
export class ConfigError extends Error {
  constructor(readonly issues: Array<{ setting: string; problem: string }>) {
    super('Invalid configuration:\n' + issues.map((i) => `  - ${i.setting}: ${i.problem}`).join('\n') + '\n');
    this.name = 'ConfigError';
  }
}

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Helpers for app config schemas: environment variables are strings. */
export const env = {
  string: () => z.string().min(1),
  url: () => z.string().url(),
  port: () => z.coerce.number().int().min(0).max(65535),
  int: () => z.coerce.number().int(),
  positiveInt: () => z.coerce.number().int().positive(),
  csv: () => csv,
  bool: () => bool,
};

/** Settings every Amtsbote service reads. Apps extend this schema with their own. */
export const baseConfigShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: env.port(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** PostgreSQL connection URL; the password may instead come from DATABASE_PASSWORD (e.g. a Secret). */
  DATABASE_URL: env.url(),
  DATABASE_PASSWORD: z.string().optional(),
  DATABASE_POOL_SIZE: env.positiveInt().default(10),
  DATABASE_SSL: env.bool().prefault('false'),
  KAFKA_BROKERS: env.csv().pipe(z.array(z.string().regex(/^[^:]+:\d+$/, 'host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().optional(),
  KAFKA_SSL: env.bool().prefault('false'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /** Prefix for every topic name, so several installations (or test runs) can share one cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash, underscore')
    .default(''),
  /** Create missing topics at start (needs the broker permission); off when the operator provisions them. */
  KAFKA_PROVISION_TOPICS: env.bool().prefault('true'),
  KAFKA_TOPIC_PARTITIONS: env.positiveInt().default(3),
  KAFKA_TOPIC_REPLICATION_FACTOR: env.positiveInt().default(1),
  /** Comma-separated retry delays for failed event handlers; their count is the number of retries. */
  KAFKA_RETRY_DELAYS_MS: env
    .csv()
    .pipe(z.array(z.string().regex(/^\d+$/, 'milliseconds').transform(Number)))
    .prefault('1000,10000,60000'),
  /**
   * Kafka consumer session: a member silent this long is dropped from its group. After a broker restart the
   * group waits for the sessions of the members it remembers before it hands out partitions again, so this
   * is also how long consumption pauses then. A member heartbeats every 3 s and between chunks.
   */
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: env.int().min(6000).max(300000).default(10000),
  /**
   * Longest a consumer's fetch waits at the broker for new events (it returns as soon as any arrive): the
   * idle cost of a consumer, and how late a paused partition (an event waiting for its retry) resumes.
   */
  KAFKA_CONSUMER_MAX_WAIT_MS: env.int().min(10).max(10000).default(500),
  /**
   * Consumed offsets are committed at most this often (and when the consumer stops), not after every chunk:
   * after a crash or rebalance at most this much is delivered again, and the inbox drops the copies.
   */
  KAFKA_OFFSET_COMMIT_INTERVAL_MS: env.int().min(0).max(60000).default(1000),
  /**
   * Days a consumer remembers the ids of events it handled, to drop copies. Must exceed the topics'
   * retention (Kafka's default is 7 days): a copy can only arrive while Kafka still holds the event.
   */
  INBOX_RETENTION_DAYS: env.positiveInt().default(30),
  /** OIDC issuers whose tokens are accepted (comma-separated). JWKS is discovered unless OIDC_JWKS_URIS is set. */
  OIDC_ISSUERS: env.csv().pipe(z.array(z.string().url()).min(1)),
  OIDC_JWKS_URIS: env.csv().pipe(z.array(z.string().url())).optional(),
  OIDC_AUDIENCE: z.string().optional(),
  /** Accepted clock skew between the IdP and this service when checking exp/nbf. */
  OIDC_CLOCK_TOLERANCE_SECONDS: env.int().min(0).max(300).default(30),
  /**
   * Longest lifetime (exp − iat, or exp − now without iat) of an accepted token. A token valid for years
   * is a stolen-forever token; IdPs issue access tokens for minutes to hours.
   */
  OIDC_MAX_TOKEN_LIFETIME_SECONDS: env.positiveInt().default(86400),
  /** Bearer token Prometheus sends to `/metrics`; without it `/metrics` is closed unless METRICS_PUBLIC. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Serve `/metrics` to anyone (development; or a network that only Prometheus reaches). */
  METRICS_PUBLIC: env.bool().prefault('false'),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt().default(10000),
  /**
   * Time a client has to send a whole request, headers and body (408 after it); behind an ingress that
   * buffers bodies this is the ingress's sending time, not the citizen's upload time.
   */
  HTTP_REQUEST_TIMEOUT_MS: env.positiveInt().default(120_000),
  /** Time a client has to send the request line and headers (at most HTTP_REQUEST_TIMEOUT_MS). */
  HTTP_HEADERS_TIMEOUT_MS: env.positiveInt().default(20_000),
  /**
   * Requests one replica works on at once; past it a request is answered 503 with Retry-After at once
   * (probes, /metrics and the signed /files/ downloads excepted), so overload gives quick answers instead of timeouts. 0: no bound.
   */
  HTTP_MAX_IN_FLIGHT: env.int().min(0).default(256),
  /** Most keys a JSON request body may have (routes that need more say so with `@BodyLimit`). */
  HTTP_JSON_MAX_KEYS: env.positiveInt().default(20_000),
  /**
   * Requests per minute one client may make to one replica (a signed-in caller by account, anyone else by
   * anonymous token or address); 0 turns the limit off. Refused with 429 and Retry-After.
   */
  RATE_LIMIT_REQUESTS_PER_MINUTE: env.int().min(0).default(1200),
  /** Requests a client may make at once before the per-minute rate applies. */
  RATE_LIMIT_BURST: env.positiveInt().default(300),
} as const;

export const baseConfigSchema = z.object(baseConfigShape);
export type BaseConfig = z.infer<typeof baseConfigSchema>;

/**
 * Reads and validates the environment once, at boot. Nothing else in the code base reads process.env.
 */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty strings count as unset so `FOO=` in a values file does not pass a required check.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        setting: issue.path.join('.') || '(root)',
        problem:
          issue.code === 'invalid_type' && cleaned[String(issue.path[0])] === undefined
            ? 'is required but not set'
            : issue.message,
      })),
    );
  }
  return result.data;
}

/** Builds the connection URL with the password from DATABASE_PASSWORD when given separately. */
export function databaseUrl(config: Pick<BaseConfig, 'DATABASE_URL' | 'DATABASE_PASSWORD'>): string {
  if (!config.DATABASE_PASSWORD) return config.DATABASE_URL;
  const url = new URL(config.DATABASE_URL);
  url.password = config.DATABASE_PASSWORD;
  return url.toString();
}

/** The few settings a migration Job needs. */
export const migrationConfigSchema = z.object({
  DATABASE_URL: baseConfigShape.DATABASE_URL,
  DATABASE_PASSWORD: baseConfigShape.DATABASE_PASSWORD,
  DATABASE_SSL: baseConfigShape.DATABASE_SSL,
});

/** Loads config or exits with code 78 (EX_CONFIG) and a message naming every bad setting. */
export function loadConfigOrExit<S extends z.ZodObject<z.ZodRawShape>>(
  service: string,
  schema: S,
): z.infer<S> {
  try {
    return loadConfig(schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: refusing to start.\n${err.message}`);
      process.exit(78);
    }
    throw err;
  }
}
