import { baseConfigShape, checkFileStoreConfig, env, fileStoreConfigShape } from '@amtsbote/platform';
import { z } from 'zod';

/** Settings of intake on top of the platform's. Every one is documented in apps/intake/README.md. */
export const intakeConfigSchema = z
  .object({
    ...baseConfigShape,
    PORT: env.port().default(3001),
    /** Where attachments are kept: FILE_STORE=filesystem (default) or s3, with the FILE_STORE_S3_* settings. */
    ...fileStoreConfigShape,
    /**
     * Directory of the filesystem attachment store. Required in production with FILE_STORE=filesystem (a
     * mounted volume); elsewhere it defaults to a folder in the OS temp directory.
     */
    INTAKE_STORAGE_DIR: z.string().min(1).optional(),
    /**
     * Secret for the HMAC-signed download URLs other services fetch attachments through (at least 32
     * characters). Required in production and the same on every replica; elsewhere a random one per process.
     */
    INTAKE_DOWNLOAD_URL_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /**
     * Public base URL of intake as other services reach it (signed download URLs start with it). Required
     * in production; elsewhere the address the server listens on.
     */
    INTAKE_PUBLIC_URL: env.url().optional(),
    /** How long a signed download URL stays valid, in seconds. */
    INTAKE_DOWNLOAD_URL_TTL_SECONDS: env.positiveInt().default(86400),
    /**
     * Days after the Fachverfahren confirmed receipt (or the submission ended without reaching one) after
     * which form data and attachments are purged; metadata and the receipt hash stay. 0 purges at once.
     */
    INTAKE_PURGE_AFTER_DAYS: z.coerce.number().min(0).default(30),
    /** How often the maintenance job runs (purge, expired drafts, old idempotency keys); 0 turns it off. */
    INTAKE_MAINTENANCE_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(300),
    /** How long an Idempotency-Key and its stored response are kept, in hours. */
    INTAKE_IDEMPOTENCY_TTL_HOURS: env.positiveInt().default(48),
    /** Extra genericode code lists (`*.xml`, `*.gc`) for select fields, besides the bundled and uploaded ones. */
    INTAKE_CODELIST_DIR: z.string().min(1).optional(),
    /**
     * Which code-list version a schema upload may use when the version the schema names is not stored: `newest`
     * (the newest stored version of the same list, reported as a warning) or `exact` (refuse the upload). An
     * upload may ask for `exact` itself (`?codeListVersions=exact`) but cannot relax `exact`.
     */
    INTAKE_CODELIST_VERSIONS: z.enum(['newest', 'exact']).default('newest'),
    /**
     * Anonymous drafts one client (address) may start per hour, counted in PostgreSQL across replicas;
     * 429 with Retry-After beyond. 0 turns the limit off.
     */
    INTAKE_ANONYMOUS_DRAFTS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(0).default(30),
    /** Live anonymous drafts one Leistung may hold at once (429 with Retry-After beyond); 0: no limit. */
    INTAKE_ANONYMOUS_DRAFTS_PER_LEISTUNG: z.coerce.number().int().min(0).default(10_000),
    /** Bytes the attachments of one Leistung's anonymous drafts may hold together; 0: no limit. */
    INTAKE_ANONYMOUS_STORAGE_BYTES_PER_LEISTUNG: z.coerce
      .number()
      .int()
      .min(0)
      .default(10 * 1024 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    checkFileStoreConfig(c, ctx);
    if (c.NODE_ENV !== 'production') return;
    const required = ['INTAKE_DOWNLOAD_URL_SECRET', 'INTAKE_PUBLIC_URL'] as const;
    for (const key of c.FILE_STORE === 'filesystem'
      ? [...required, 'INTAKE_STORAGE_DIR' as const]
      : required) {
      if (c[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required in production' });
      }
    }
  });

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
