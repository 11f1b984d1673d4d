import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { baseConfigShape, checkFileStoreConfig, env, fileStoreConfigShape } from '@amtsbote/platform';
import { z } from 'zod';

const positiveNumber = () => z.coerce.number().positive();
const optionalFile = () =>
  z
    .string()
    .optional()
    .refine((f) => f === undefined || existsSync(f), 'file does not exist');

/** `<repo>/../shared/fixtures`, the schema directory of development and CI (found from this file). */
export function developmentSchemaDir(): string | undefined {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return resolve(dir, '..', 'shared', 'fixtures');
}

const DEV_SECRET = 'amtsbote-development-only-secret-not-for-production';

export const routingConfigSchema = z
  .object({
    ...baseConfigShape,
    PORT: env.port().default(3004),
    /** Directory holding the official schema bundles (xdomea, XÖV Basisnachricht, FIT-Connect). */
    XOEV_SCHEMA_DIR: z.string().optional(),
    /** Public base URL of this service (signed file URLs, FIT-Connect reply channel); default: where it listens. */
    ROUTING_PUBLIC_URL: z.string().url().optional(),
    /** HMAC key of the signed URLs of Bescheid attachments. */
    ROUTING_FILE_URL_SECRET: z.string().min(32).optional(),
    ROUTING_FILE_URL_TTL_SECONDS: env.positiveInt().default(86400),
    /** Where the files of replies (Bescheide) are kept: FILE_STORE=filesystem (default) or s3 (FILE_STORE_S3_*). */
    ...fileStoreConfigShape,
    /**
     * Directory of the filesystem file store. Required in production with FILE_STORE=filesystem (a mounted
     * volume); elsewhere it defaults to a folder in the OS temp directory.
     */
    ROUTING_STORAGE_DIR: z.string().min(1).optional(),
    /** 32 bytes, base64: encrypts the destinations' HMAC secrets at rest (AES-256-GCM). */
    ROUTING_SECRETS_KEY: z
      .string()
      .optional()
      .refine((k) => k === undefined || Buffer.from(k, 'base64').length === 32, '32 bytes, base64-encoded'),
    /** Amtsbote as the sending authority in XÖV headers (DVDV präfix:kennung) and its name. */
    ROUTING_AUTHOR_IDENTITY: z
      .string()
      .regex(/^[a-z0-9]{2,10}:\S{1,100}$/i, 'DVDV identity präfix:kennung')
      .default('ozg:amtsbote'),
    ROUTING_AUTHOR_NAME: z.string().min(1).max(255).default('Amtsbote Onlinedienst'),
    /** Marks XÖV messages as test messages (attribute `test`). */
    ROUTING_TEST_MESSAGES: env.bool().prefault('false'),
    /** Run the delivery worker in this process (turn off for API-only replicas). */
    ROUTING_WORKER_ENABLED: env.bool().prefault('true'),
    /** Safety net only: this process's own new work wakes the worker at once (DeliverySignal). */
    ROUTING_DELIVERY_POLL_MS: env.positiveInt().default(1000),
    ROUTING_DELIVERY_BATCH: env.positiveInt().default(16),
    ROUTING_DELIVERY_CONCURRENCY: env.positiveInt().default(16),
    ROUTING_PUSH_TIMEOUT_MS: env.positiveInt().default(15000),
    ROUTING_ATTACHMENT_FETCH_TIMEOUT_MS: env.positiveInt().default(30000),
    ROUTING_RETRY_BASE_MS: env.positiveInt().default(5000),
    ROUTING_RETRY_MAX_MS: env.positiveInt().default(3_600_000),
    ROUTING_MAX_ATTEMPTS: env.positiveInt().default(12),
    ROUTING_MAX_DELIVERY_AGE_HOURS: positiveNumber().default(48),
    ROUTING_PULL_ALERT_DAYS: positiveNumber().default(3),
    ROUTING_PULL_EXPIRE_DAYS: positiveNumber().default(14),
    ROUTING_MAINTENANCE_INTERVAL_MS: env.positiveInt().default(60000),
    /** Form data and files are purged this long after the Fachverfahren has the message. */
    ROUTING_RETENTION_DAYS: positiveNumber().default(30),
    ROUTING_DEFAULT_MAX_MESSAGE_BYTES: env.positiveInt().default(50 * 1024 * 1024),
    ROUTING_DEFAULT_MAX_ATTACHMENT_BYTES: env.positiveInt().default(20 * 1024 * 1024),
    /** Largest total of attachments of one reply (Bescheid) a Fachverfahren may post. */
    ROUTING_REPLY_MAX_BYTES: env.positiveInt().default(10 * 1024 * 1024),
    /** Client certificate for destinations with mutual TLS (PEM files). */
    ROUTING_PUSH_TLS_CERT_FILE: optionalFile(),
    ROUTING_PUSH_TLS_KEY_FILE: optionalFile(),
    /** Extra CA bundle (PEM) trusted for push endpoints. */
    ROUTING_PUSH_TLS_CA_FILE: optionalFile(),
    /**
     * FIT-Connect: directory of the OAuth client secrets (a mounted Secret, one file per key; destinations
     * name the file in `channelSettings.clientSecretRef`). Read at each token request, so rotation needs no restart.
     */
    ROUTING_FITCONNECT_SECRETS_DIR: z.string().optional(),
    /** FIT-Connect: PEM bundle of the roots a destination key's `x5c` chain must end at (no file: no key is trusted). */
    ROUTING_FITCONNECT_TRUST_ANCHORS_FILE: optionalFile(),
    /** FIT-Connect: how often the event log of a delivered submission is read until accepted or rejected. */
    ROUTING_FITCONNECT_FOLLOW_UP_MS: env.positiveInt().default(30_000),
    /** FIT-Connect: how long a checked destination and its key are reused before they are fetched again. */
    ROUTING_FITCONNECT_KEY_CACHE_MS: env.positiveInt().default(300_000),
    /**
     * FIT-Connect replies: JWK Set of the reply destination's private RSA-OAEP-256 keys (a mounted Secret);
     * the first is named in new submissions, all decrypt (rotation). Unset: no FIT-Connect reply channel.
     */
    ROUTING_FITCONNECT_REPLY_KEYS_FILE: optionalFile(),
    /** FIT-Connect replies: how often the case of an accepted submission is asked for replies. */
    ROUTING_FITCONNECT_REPLY_POLL_MS: env.positiveInt().default(300_000),
    /** FIT-Connect replies: how long after acceptance replies are still looked for. */
    ROUTING_FITCONNECT_REPLY_WINDOW_DAYS: env.positiveInt().default(180),
    /**
     * FIT-Connect Routing API (base URL with its version, e.g. `https://routing-api-prod.fit-connect.fitko.net/v1`):
     * tenants may take the Zuständigkeit of chosen Leistungen from it. Unset: no tenant can choose it.
     */
    ROUTING_FITCONNECT_ROUTING_API_URL: env.url().optional(),
    /** FIT-Connect Routing API: how long an answer (a route or none) is reused before it is asked again. */
    /**
     * FIT-Connect Routing API: JWKS of the signer of the routes' `destinationSignature` (FITKO: the
     * Self-Service-Portal's `/.well-known/jwks.json`). Required in production when the Routing API is used.
     */
    ROUTING_FITCONNECT_ROUTING_API_JWKS_URL: env.url().optional(),
    ROUTING_FITCONNECT_ROUTING_API_CACHE_MS: env.positiveInt().default(300_000),
    /** FIT-Connect Routing API: how long one lookup may take before it counts as failed. */
    ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS: env.positiveInt().max(30_000).default(5_000),
  })
  .superRefine((c, ctx) => {
    checkFileStoreConfig(c, ctx);
    if (
      c.NODE_ENV === 'production' &&
      c.ROUTING_FITCONNECT_ROUTING_API_URL !== undefined &&
      c.ROUTING_FITCONNECT_ROUTING_API_JWKS_URL === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ROUTING_FITCONNECT_ROUTING_API_JWKS_URL'],
        message: 'required in production with ROUTING_FITCONNECT_ROUTING_API_URL (routes must be signed)',
      });
    }
    if (c.ROUTING_PULL_EXPIRE_DAYS <= c.ROUTING_PULL_ALERT_DAYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ROUTING_PULL_EXPIRE_DAYS'],
        message: 'must be larger than ROUTING_PULL_ALERT_DAYS (alert first, then fail back)',
      });
    }
    if (c.NODE_ENV !== 'production') return;
    const required = ['XOEV_SCHEMA_DIR', 'ROUTING_FILE_URL_SECRET', 'ROUTING_SECRETS_KEY'] as const;
    for (const key of c.FILE_STORE === 'filesystem'
      ? [...required, 'ROUTING_STORAGE_DIR' as const]
      : required) {
      if (c[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
    }
  });

export type RoutingConfig = z.infer<typeof routingConfigSchema>;

/** Settings with their development fallbacks applied (production must set them; see the schema). */
export function effectiveSettings(c: RoutingConfig): {
  schemaDir: string;
  fileUrlSecret: string;
  secretsKey: Buffer;
} {
  return {
    schemaDir: c.XOEV_SCHEMA_DIR ?? developmentSchemaDir() ?? '/nonexistent-schema-dir',
    fileUrlSecret: c.ROUTING_FILE_URL_SECRET ?? `${DEV_SECRET}-files`,
    secretsKey: c.ROUTING_SECRETS_KEY
      ? Buffer.from(c.ROUTING_SECRETS_KEY, 'base64')
      : Buffer.from(DEV_SECRET).subarray(0, 32),
  };
}
