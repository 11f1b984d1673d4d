import type { JWTPayload } from 'jose';

export type PrincipalKind = 'person' | 'organisation' | 'client';

/** STORK-QAA level 1–4; 0 when the token says nothing we recognise (e.g. admins, Fachverfahren). */
export type TrustLevel = 0 | 1 | 2 | 3 | 4;

/** Who is calling, as read from a verified access token. */
export interface Principal {
  issuer: string;
  subject: string;
  kind: PrincipalKind;
  trustLevel: TrustLevel;
  acr?: string;
  roles: string[];
  tenant?: string;
  name?: string;
  email?: string;
  /** OAuth client the token was issued to (`client_id`, Keycloak `azp`). */
  clientId?: string;
  scopes: string[];
  /** Routing destinations a Fachverfahren client may use (`destinations` claim). */
  destinations: string[];
  /** All verified claims of the token, for what the fields above do not cover. */
  claims: JWTPayload;
}

/**
 * `acr` → trust level. STORK-QAA levels map to their number. eIDAS levels map by the STORK–eIDAS
 * correspondence (low = QAA 2, substantial = QAA 3, high = QAA 4), in the URI form of the eIDAS SAML profile
 * (`http://eidas.europa.eu/LoA/…`) and as plain words (e.g. Keycloak step-up configurations).
 *
 * Note: BundID labels its username/password login "niedrig" but sends `STORK-QAA-Level-1`, which stays 1;
 * an eIDAS `low` login from elsewhere counts as 2. BundID sends no level 2 and, as far as we found, only the
 * STORK strings (`STORK-QAA-Level-0` means "no authentication" → 0). Unknown values → 0.
 */
const ACR_TRUST_LEVELS: ReadonlyMap<string, TrustLevel> = new Map<string, TrustLevel>([
  ['stork-qaa-level-0', 0],
  ['stork-qaa-level-1', 1],
  ['stork-qaa-level-2', 2],
  ['stork-qaa-level-3', 3],
  ['stork-qaa-level-4', 4],
  ['http://eidas.europa.eu/loa/low', 2],
  ['http://eidas.europa.eu/loa/substantial', 3],
  ['http://eidas.europa.eu/loa/high', 4],
  ['low', 2],
  ['substantial', 3],
  ['high', 4],
]);

export function trustLevelFromAcr(acr: string | undefined): TrustLevel {
  if (acr === undefined) return 0;
  return ACR_TRUST_LEVELS.get(acr.trim().toLowerCase()) ?? 0;
}

/** Human-readable names of the levels, for messages. */
export const TRUST_LEVEL_LABELS: Readonly<Record<TrustLevel, { de: string; en: string }>> = {
  0: { de: 'kein Vertrauensniveau', en: 'no trust level' },
  1: { de: 'STORK-QAA-Level-1 (Benutzername/Passwort)', en: 'STORK-QAA-Level-1 (username/password)' },
  2: { de: 'STORK-QAA-Level-2 (eIDAS niedrig)', en: 'STORK-QAA-Level-2 (eIDAS low)' },
  3: {
    de: 'STORK-QAA-Level-3 (eIDAS substanziell, z. B. ELSTER-Zertifikat)',
    en: 'STORK-QAA-Level-3 (eIDAS substantial, e.g. ELSTER certificate)',
  },
  4: {
    de: 'STORK-QAA-Level-4 (eIDAS hoch, Online-Ausweisfunktion)',
    en: 'STORK-QAA-Level-4 (eIDAS high, online ID card)',
  },
};

/**
 * Claims of a BundID/DeutschlandID identity token Amtsbote passes on (FIT-Connect metadata 2.1.0): the
 * DeutschlandID mailbox (BundID's SAML attribute `legacyPostkorbHandle`, a UUID) and the DeutschlandID status
 * monitor's application id (a UUID). The identity provider brokering BundID maps them to these claim names.
 */
export const ID_BUND_DE_CLAIMS = {
  mailboxUuid: 'legacyPostkorbHandle',
  applicationId: 'idBundDeApplicationId',
} as const;

/** The stable key of an account across logins: the same subject at another issuer is another account. */
export function principalKey(principal: Pick<Principal, 'issuer' | 'subject'>): string {
  return `${principal.issuer}|${principal.subject}`;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `roles` if the token has it; otherwise Keycloak's realm and client roles. */
function rolesOf(claims: JWTPayload): string[] {
  if (Array.isArray(claims.roles)) return stringArray(claims.roles);
  const roles = new Set<string>();
  if (isRecord(claims.realm_access))
    for (const role of stringArray(claims.realm_access.roles)) roles.add(role);
  if (isRecord(claims.resource_access)) {
    for (const access of Object.values(claims.resource_access)) {
      if (isRecord(access)) for (const role of stringArray(access.roles)) roles.add(role);
    }
  }
  return [...roles];
}

/** `scope` (RFC 9068, space-separated) or `scp` (array or string, as some IdPs send it). */
function scopesOf(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims.scp;
  const list = typeof raw === 'string' ? raw.split(' ') : stringArray(raw);
  return list.filter((scope) => scope !== '');
}

function kindOf(claims: JWTPayload, subject: string, clientId: string | undefined): PrincipalKind {
  const kind = claims.kind;
  if (kind === 'person' || kind === 'organisation' || kind === 'client') return kind;
  // Keycloak service-account tokens (client credentials) name the client like this.
  if (stringClaim(claims.preferred_username)?.startsWith('service-account-')) return 'client';
  // A client credentials token without a user has the client as subject (RFC 9068 §2.2).
  if (clientId !== undefined && subject === clientId) return 'client';
  return 'person';
}

/** Builds the principal from verified claims; `iss` and `sub` must have been checked by the caller. */
export function principalFromClaims(claims: JWTPayload): Principal {
  const issuer = stringClaim(claims.iss) ?? '';
  const subject = stringClaim(claims.sub) ?? '';
  const clientId = stringClaim(claims.client_id) ?? stringClaim(claims.azp);
  const kind = kindOf(claims, subject, clientId);
  const acr = stringClaim(claims.acr);
  const given = stringClaim(claims.given_name);
  const family = stringClaim(claims.family_name);
  const fullName = [given, family].filter((part) => part !== undefined).join(' ');
  return {
    issuer,
    subject,
    kind,
    trustLevel: kind === 'client' ? 0 : trustLevelFromAcr(acr),
    acr,
    roles: rolesOf(claims),
    tenant: stringClaim(claims.tenant),
    name: stringClaim(claims.name) ?? (fullName === '' ? undefined : fullName),
    email: stringClaim(claims.email),
    clientId,
    scopes: scopesOf(claims),
    destinations: stringArray(claims.destinations),
    claims,
  };
}
