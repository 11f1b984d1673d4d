import { ID_BUND_DE_CLAIMS } from '@amtsbote/platform';

/**
 * The principals the embedded dev OIDC provider knows. Tests and the demo refer to them by these constants,
 * so a renamed user breaks at compile time rather than with a 400 from the token endpoint.
 */

/** Grant type of the browserless dev login (`username` parameter, public client {@link DEV_LOGIN_CLIENT_ID}). */
export const DEV_LOGIN_GRANT_TYPE = 'urn:amtsbote:params:oauth:grant-type:dev-login';
/** Public client allowed to use {@link DEV_LOGIN_GRANT_TYPE}; needs no secret. */
export const DEV_LOGIN_CLIENT_ID = 'amtsbote-dev';
/** Resource indicator of the Amtsbote APIs; the default resource of every token. */
export const DEV_API_RESOURCE = 'urn:amtsbote:api';
/** `aud` of tokens for {@link DEV_API_RESOURCE}; configure services with this audience. */
export const DEV_AUDIENCE = 'amtsbote';
/** Scopes a Fachverfahren client may hold at the Amtsbote API. */
export const DEV_API_SCOPES = ['routing.pull', 'routing.receipt', 'routing.status', 'routing.reply'] as const;

/** The `acr` values BundID sends (STORK-QAA levels; BundID knows no level 2). */
export const STORK_QAA = {
  low: 'STORK-QAA-Level-1',
  substantial: 'STORK-QAA-Level-3',
  high: 'STORK-QAA-Level-4',
} as const;

export type DevUserKind = 'person' | 'organisation';

export interface DevUser {
  /** Login name for the dev grant (`username` parameter). */
  username: string;
  /** Token subject; defaults to `username`. */
  sub?: string;
  kind: DevUserKind;
  /** Authentication context class; decides the trust level a service derives. Omit for admins. */
  acr?: string;
  roles: readonly string[];
  /** Tenant an admin acts for (e.g. `hb`, `nw`); citizens and organisations have none. */
  tenant?: string;
  givenName?: string;
  familyName?: string;
  /** Display name; for persons defaults to "givenName familyName". */
  name?: string;
  email?: string;
  /**
   * Organisation usernames this person may act for. Fixture data for the accounts service (which owns
   * representation mandates); it is deliberately NOT put into the token: dora's token is a plain person token.
   */
  represents?: readonly string[];
  /** BundID/DeutschlandID references, sent under the claim names of `ID_BUND_DE_CLAIMS`. */
  idBundDe?: { readonly mailboxUuid: string; readonly applicationId: string };
}

export interface DevClient {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes the client may request (subset of the API resource's scopes). */
  scope: string;
  /** Destination ids of the routing service this Fachverfahren may use; becomes the `destinations` claim. */
  destinations: readonly string[];
  tenant?: string;
  name?: string;
}

/** Resource server known to the dev provider besides {@link DEV_API_RESOURCE} (e.g. for wrong-audience tests). */
export interface DevResourceServer {
  /** Resource indicator (absolute URI), sent as `resource` to the token endpoint. */
  resource: string;
  /** `aud` of tokens for this resource. */
  audience: string;
  /** Space-separated scopes this resource accepts; defaults to none. */
  scope?: string;
}

const citizens = {
  anna: {
    username: 'anna',
    kind: 'person',
    acr: STORK_QAA.substantial,
    roles: [],
    givenName: 'Anna',
    familyName: 'Schmidt',
    email: 'anna.schmidt@example.org',
  },
  ben: {
    username: 'ben',
    kind: 'person',
    acr: STORK_QAA.low,
    roles: [],
    givenName: 'Ben',
    familyName: 'Weber',
    email: 'ben.weber@example.org',
  },
  clara: {
    username: 'clara',
    kind: 'person',
    acr: STORK_QAA.high,
    roles: [],
    givenName: 'Clara',
    familyName: 'Fischer',
    email: 'clara.fischer@example.org',
  },
  dora: {
    username: 'dora',
    kind: 'person',
    acr: STORK_QAA.substantial,
    roles: [],
    givenName: 'Dora',
    familyName: 'Becker',
    email: 'dora.becker@musterbau.example',
    represents: ['musterbau'],
  },
  erika: {
    // A citizen signed in with BundID/DeutschlandID (online ID card): her token names her DeutschlandID
    // mailbox and the status monitor's application id.
    username: 'erika',
    kind: 'person',
    acr: STORK_QAA.high,
    roles: [],
    givenName: 'Erika',
    familyName: 'Mustermann',
    email: 'erika.mustermann@example.org',
    idBundDe: {
      mailboxUuid: '5c0e8f2a-7b1d-4e3f-9a6c-2d4b8e1f0a97',
      applicationId: 'e4d3c2b1-a098-4f76-8e54-3c2b1a0f9e8d',
    },
  },
  musterbau: {
    username: 'musterbau',
    kind: 'organisation',
    // An organisation login (ELSTER-based company account) is at the substantial level.
    acr: STORK_QAA.substantial,
    roles: [],
    name: 'Musterbau GmbH',
    email: 'info@musterbau.example',
  },
} as const satisfies Record<string, DevUser>;

const admins = {
  'hb-catalog-admin': {
    username: 'hb-catalog-admin',
    kind: 'person',
    roles: ['catalog-admin'],
    tenant: 'hb',
    givenName: 'Hanna',
    familyName: 'Bremer',
    email: 'catalog-admin@hb.example',
  },
  'hb-payment-admin': {
    username: 'hb-payment-admin',
    kind: 'person',
    roles: ['payment-admin'],
    tenant: 'hb',
    givenName: 'Paul',
    familyName: 'Kasse',
    email: 'payment-admin@hb.example',
  },
  'hb-routing-admin': {
    username: 'hb-routing-admin',
    kind: 'person',
    roles: ['routing-admin'],
    tenant: 'hb',
    givenName: 'Rita',
    familyName: 'Weg',
    email: 'routing-admin@hb.example',
  },
  'nw-catalog-admin': {
    username: 'nw-catalog-admin',
    kind: 'person',
    roles: ['catalog-admin'],
    tenant: 'nw',
    givenName: 'Niklas',
    familyName: 'Westfal',
    email: 'catalog-admin@nw.example',
  },
  'nw-routing-admin': {
    username: 'nw-routing-admin',
    kind: 'person',
    roles: ['routing-admin'],
    tenant: 'nw',
    givenName: 'Nora',
    familyName: 'Rhein',
    email: 'routing-admin@nw.example',
  },
  operator: {
    username: 'operator',
    kind: 'person',
    roles: ['operator'],
    givenName: 'Otto',
    familyName: 'Betrieb',
    email: 'operator@amtsbote.example',
  },
} as const satisfies Record<string, DevUser>;

/** Seeded users, keyed by username. */
export const DEV_USERS = { ...citizens, ...admins } as const satisfies Record<string, DevUser>;
export type DevUsername = keyof typeof DEV_USERS;

/** Seeded Fachverfahren clients (client_credentials), keyed by client id. */
export const DEV_CLIENTS = {
  'fv-bremen-parken': {
    clientId: 'fv-bremen-parken',
    clientSecret: 'fv-bremen-parken-secret',
    scope: DEV_API_SCOPES.join(' '),
    destinations: ['hb-bewohnerparken'],
    tenant: 'hb',
    name: 'Fachverfahren Bewohnerparken Bremen',
  },
  'fv-other': {
    clientId: 'fv-other',
    clientSecret: 'fv-other-secret',
    scope: DEV_API_SCOPES.join(' '),
    destinations: ['nw-other'],
    tenant: 'nw',
    name: 'Anderes Fachverfahren NRW',
  },
} as const satisfies Record<string, DevClient>;
export type DevClientId = keyof typeof DEV_CLIENTS;

/** The claims an access token of `user` carries besides the registered ones (iss, sub, aud, exp, iat, ...). */
export function devUserClaims(user: DevUser): Record<string, unknown> {
  const personName = [user.givenName, user.familyName].filter((part) => part !== undefined).join(' ');
  return {
    kind: user.kind,
    acr: user.acr,
    roles: [...user.roles],
    tenant: user.tenant,
    name: user.name ?? (personName === '' ? undefined : personName),
    given_name: user.givenName,
    family_name: user.familyName,
    email: user.email,
    ...(user.idBundDe === undefined
      ? {}
      : {
          [ID_BUND_DE_CLAIMS.mailboxUuid]: user.idBundDe.mailboxUuid,
          [ID_BUND_DE_CLAIMS.applicationId]: user.idBundDe.applicationId,
        }),
  };
}
