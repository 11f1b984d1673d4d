import { z } from 'zod';
import type { ProviderKind } from './provider';

/** A credential reference: `{ "env": "PAYMENT_SECRET_HB_CLIENT_SECRET" }` or `{ "file": "/var/run/…" }`. */
export const secretRef = z.union([
  z.object({ env: z.string().min(1).max(200) }).strict(),
  z.object({ file: z.string().min(1).max(1000) }).strict(),
]);

const identifier = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '1–64 characters of A–Z, a–z, 0–9, . _ -');

export const xbezahldiensteSettings = z
  .object({
    originatorId: identifier,
    endPointId: identifier,
    auth: z.discriminatedUnion('mode', [
      z
        .object({
          mode: z.literal('oauth2'),
          tokenUrl: z.string().url(),
          clientId: z.string().min(1).max(200),
          clientSecret: secretRef,
          scope: z.string().max(500).optional(),
        })
        .strict(),
      z
        .object({
          mode: z.literal('mtls'),
          certificate: secretRef,
          privateKey: secretRef,
          ca: secretRef.optional(),
        })
        .strict(),
      z.object({ mode: z.literal('none') }).strict(),
    ]),
    /** Send a notification URL with the request (an extension some providers and the simulator honour). */
    notifications: z.boolean().default(false),
  })
  .strict();

export const pmpaymentClassicSettings = z
  .object({
    /** Amtlicher Gemeindeschlüssel of the Kasse (8 digits). */
    ags: z.string().regex(/^\d{8}$/, 'AGS: 8 digits'),
    /** Verfahrensname as registered at pmPayment. */
    procedure: identifier,
    /** The HMAC-SHA256 key ("Salt") pmPayment issued. */
    salt: secretRef,
    /** Generischer Buchungssatz für die Stadtkasse (SEPA characters only). */
    accountingRecord: z
      .string()
      .regex(/^[A-Za-z0-9':?,\-(+.)/ ]{1,140}$/, 'SEPA characters only, at most 140')
      .optional(),
  })
  .strict();

export const simulatorSettings = z
  .object({
    originatorId: identifier.default('amtsbote'),
    endPointId: identifier.default('simulator'),
  })
  .strict();

export type XBezahldiensteSettings = z.infer<typeof xbezahldiensteSettings>;
export type PmPaymentClassicSettings = z.infer<typeof pmpaymentClassicSettings>;
export type SimulatorSettings = z.infer<typeof simulatorSettings>;

export type ProviderSettings =
  | { kind: 'xbezahldienste'; settings: XBezahldiensteSettings }
  | { kind: 'pmpayment-classic'; settings: PmPaymentClassicSettings }
  | { kind: 'simulator'; settings: SimulatorSettings };

export function settingsSchemaFor(kind: ProviderKind): z.ZodType {
  switch (kind) {
    case 'xbezahldienste':
      return xbezahldiensteSettings;
    case 'pmpayment-classic':
      return pmpaymentClassicSettings;
    case 'simulator':
      return simulatorSettings;
  }
}

/** Every secret reference in a config (for validation and resolvability checks). */
export function secretRefsOf(p: ProviderSettings): Array<{ path: string; ref: z.infer<typeof secretRef> }> {
  switch (p.kind) {
    case 'xbezahldienste': {
      const a = p.settings.auth;
      if (a.mode === 'oauth2') return [{ path: '/settings/auth/clientSecret', ref: a.clientSecret }];
      if (a.mode === 'mtls') {
        return [
          { path: '/settings/auth/certificate', ref: a.certificate },
          { path: '/settings/auth/privateKey', ref: a.privateKey },
          ...(a.ca ? [{ path: '/settings/auth/ca', ref: a.ca }] : []),
        ];
      }
      return [];
    }
    case 'pmpayment-classic':
      return [{ path: '/settings/salt', ref: p.settings.salt }];
    case 'simulator':
      return [];
  }
}
