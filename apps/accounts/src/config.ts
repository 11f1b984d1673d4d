import { baseConfigShape, checkFileStoreConfig, env, fileStoreConfigShape } from '@amtsbote/platform';
import { z } from 'zod';

const MiB = 1024 * 1024;

export const accountsConfigSchema = z
  .object({
    ...baseConfigShape,
    PORT: env.port().default(3002),

    /**
     * Base URL under which other services (routing) reach accounts, for signed attachment URLs and e-mail
     * confirmation links. Required in production; elsewhere the listening address is used.
     */
    ACCOUNTS_PUBLIC_URL: env.url().optional(),
    /** HMAC key of signed attachment URLs (at least 32 characters). Required in production. */
    ACCOUNTS_FILE_URL_SECRET: z.string().min(32).optional(),
    /** Lifetime of a signed attachment URL handed to routing in a reply event. */
    ACCOUNTS_FILE_URL_TTL_SECONDS: env.positiveInt().default(3600),
    /** Where the Postkorb's files are kept: FILE_STORE=filesystem (default) or s3 (FILE_STORE_S3_*). */
    ...fileStoreConfigShape,
    /** Directory of the Postkorb's own file store with FILE_STORE=filesystem (attachments and replies). */
    ACCOUNTS_STORAGE_DIR: z.string().min(1).optional(),
    /** Largest attachment a citizen may upload for a reply. */
    ACCOUNTS_UPLOAD_MAX_BYTES: env.positiveInt().default(20 * MiB),
    /** Media types a citizen may upload (comma-separated). */
    ACCOUNTS_UPLOAD_MEDIA_TYPES: env
      .csv()
      .pipe(z.array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'type/subtype')).min(1))
      .prefault('application/pdf,image/jpeg,image/png,text/plain'),
    /** Most attachments of one reply. */
    ACCOUNTS_REPLY_MAX_ATTACHMENTS: env.positiveInt().default(10),
    /** Largest authority attachment accounts fetches and keeps. */
    ACCOUNTS_ATTACHMENT_MAX_BYTES: env.positiveInt().default(100 * MiB),
    /** Soft-deleted Postkorb messages are purged (with their files) after this many days. */
    ACCOUNTS_PURGE_DELETED_AFTER_DAYS: env.int().min(0).default(30),
    /** Uploads never attached to a reply are removed after this many hours. */
    ACCOUNTS_UPLOAD_RETENTION_HOURS: env.positiveInt().default(24),
    /** Events for submissions accounts never learnt the owner of are dropped after this many days. */
    ACCOUNTS_PENDING_EVENT_RETENTION_DAYS: env.positiveInt().default(30),
    /** How often the notification and attachment workers look for work. */
    ACCOUNTS_WORKER_INTERVAL_MS: env.positiveInt().default(2000),
    /** How often soft-deleted messages, stale uploads and old rows are purged. */
    ACCOUNTS_PURGE_INTERVAL_MS: env.positiveInt().default(3_600_000),
    /** Sending attempts of one notification e-mail before it is given up. */
    ACCOUNTS_NOTIFICATION_MAX_ATTEMPTS: env.positiveInt().default(10),
    /** First retry delay of a failed notification e-mail; doubles per attempt, at most one hour. */
    ACCOUNTS_NOTIFICATION_RETRY_BASE_MS: env.positiveInt().default(30_000),
    /** Validity of an e-mail confirmation link. */
    ACCOUNTS_EMAIL_TOKEN_TTL_HOURS: env.positiveInt().default(24),
    /**
     * Confirmation link sent to a new contact address; `{token}` is replaced. Default: accounts' own
     * `GET /email-confirmations/{token}` under ACCOUNTS_PUBLIC_URL.
     */
    ACCOUNTS_EMAIL_CONFIRM_URL: z
      .string()
      .refine((v) => v.includes('{token}') && URL.canParse(v.replace('{token}', 'x')), 'a URL with {token}')
      .optional(),
    /** Link to the citizen portal's Postkorb, put into notification e-mails. */
    ACCOUNTS_PORTAL_URL: env.url().optional(),

    /** SMTP server for notification e-mails; without it no e-mail is sent (the Postkorb works regardless). */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: env.port().default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    SMTP_SECURE: env.bool().prefault('false'),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    SMTP_FROM: z.string().min(3).default('Amtsbote Postkorb <postkorb@amtsbote.invalid>'),
  })
  .superRefine((c, ctx) => {
    checkFileStoreConfig(c, ctx);
    if (c.NODE_ENV !== 'production') return;
    const required = ['ACCOUNTS_PUBLIC_URL', 'ACCOUNTS_FILE_URL_SECRET'] as const;
    for (const setting of c.FILE_STORE === 'filesystem'
      ? [...required, 'ACCOUNTS_STORAGE_DIR' as const]
      : required) {
      if (c[setting] === undefined) {
        ctx.addIssue({ code: 'custom', path: [setting], message: 'is required in production' });
      }
    }
  });

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
