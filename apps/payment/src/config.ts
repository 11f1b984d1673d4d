import { baseConfigShape, env } from '@amtsbote/platform';
import { z } from 'zod';

/** Environment variables a provider config may name as a credential: `PAYMENT_SECRET_<TENANT>_<NAME>`. */
export const SECRET_ENV_PREFIX = 'PAYMENT_SECRET_';

const paymentShape = {
  ...baseConfigShape,
  PORT: env.port().default(3003),
  /**
   * Public base URL of this service as the citizen's browser and the provider reach it (return and
   * notification URLs are built from it). Required in production; elsewhere taken from the request.
   */
  PAYMENT_PUBLIC_BASE_URL: env
    .url()
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Which of a tenant's provider configs is used: `test` or `production`. */
  PAYMENT_PROVIDER_ENVIRONMENT: z.enum(['test', 'production']).optional(),
  /** Time a citizen has to pay after submitting; unpaid transactions expire afterwards. */
  PAYMENT_DEADLINE_SECONDS: env.positiveInt().default(86400),
  /** How often open (INITIAL) transactions are reconciled with the provider. */
  PAYMENT_RECONCILE_INTERVAL_SECONDS: env.positiveInt().default(900),
  /** Open transactions checked per reconciliation round. */
  PAYMENT_RECONCILE_BATCH_SIZE: env.positiveInt().default(200),
  /** Timeout of every call to a payment provider (token, create, status). */
  PAYMENT_PROVIDER_TIMEOUT_MS: env.positiveInt().default(10000),
  /** Directory with mounted secret files; a tenant may only reference files under `<dir>/<tenant>/`. */
  PAYMENT_SECRETS_DIR: z.string().min(1).default('/var/run/secrets/amtsbote/payment'),
  /** Origins (scheme://host[:port]) a portal may send the citizen back to after paying. */
  PAYMENT_RETURN_URL_ORIGINS: env
    .csv()
    .pipe(
      z.array(
        z
          .string()
          .url()
          .transform((u) => new URL(u).origin),
      ),
    )
    .prefault(''),
} as const;

const knownKeys = new Set(Object.keys(paymentShape));

/**
 * The payment settings. Unknown variables are dropped, except `PAYMENT_SECRET_*`: provider configs name
 * their credentials by such a variable (or by a mounted file), so the secret itself is never stored.
 */
export const paymentConfigSchema = z
  .object(paymentShape)
  .catchall(z.string())
  .overwrite((config) => {
    for (const key of Object.keys(config)) {
      if (!knownKeys.has(key) && !key.startsWith(SECRET_ENV_PREFIX)) delete config[key];
    }
    return config;
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.PAYMENT_PUBLIC_BASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_PUBLIC_BASE_URL'],
        message: 'is required in production (return and notification URLs are built from it)',
      });
    }
  });

type KnownPaymentConfig = z.infer<z.ZodObject<typeof paymentShape>>;

/** Secrets named by provider configs; read only through SecretResolver. */
export type PaymentSecrets = { readonly [K in `${typeof SECRET_ENV_PREFIX}${string}`]?: string };

export type PaymentConfig = KnownPaymentConfig & PaymentSecrets;

/** The provider environment in effect: explicit, else `production` in production and `test` elsewhere. */
export function providerEnvironment(config: PaymentConfig): 'test' | 'production' {
  return config.PAYMENT_PROVIDER_ENVIRONMENT ?? (config.NODE_ENV === 'production' ? 'production' : 'test');
}
