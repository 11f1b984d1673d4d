// oidc-provider ships no type declarations. This describes only the part of its v9 API the dev provider uses;
// it stays internal to this folder (nothing exported from here mentions these types).
declare module 'oidc-provider' {
  export type AdapterPayload = Record<string, unknown> & {
    uid?: string;
    userCode?: string;
    grantId?: string;
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris?: string[];
    token_endpoint_auth_method?: string;
    scope?: string;
  }

  export interface Client {
    readonly clientId: string;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
  }

  export interface ResourceServer {
    readonly audience?: string;
    readonly accessTokenTTL?: number;
    identifier(): string;
  }

  export interface Token {
    readonly kind: string;
    readonly clientId?: string;
    readonly accountId?: string;
    readonly resourceServer?: ResourceServer;
  }

  export interface AccessToken extends Token {
    resourceServer?: ResourceServer;
    scope?: string;
    readonly expiration: number;
    readonly tokenType: string;
    save(): Promise<string>;
  }

  export interface AccessTokenInit {
    accountId: string;
    client: Client;
    gty?: string;
    scope?: string;
    expiresIn?: number;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface OidcContext {
    readonly params?: Record<string, unknown>;
    readonly client?: Client;
  }

  export interface KoaContextWithOIDC {
    readonly oidc: OidcContext;
    body: unknown;
  }

  export interface Configuration {
    adapter?: (name: string) => Adapter;
    clients?: ClientMetadata[];
    jwks?: { keys: Array<Record<string, unknown>> };
    cookies?: { keys?: string[] };
    claims?: Record<string, string[]>;
    scopes?: string[];
    acrValues?: string[];
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      introspection?: { enabled: boolean };
      revocation?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (
          ctx: KoaContextWithOIDC,
          client: Client,
          oneOf?: string[],
        ) => Promise<string | string[] | undefined>;
        useGrantedResource?: (ctx: KoaContextWithOIDC, model: unknown) => Promise<boolean>;
        getResourceServerInfo?: (
          ctx: KoaContextWithOIDC,
          resourceIndicator: string,
          client: Client,
        ) => Promise<ResourceServerInfo>;
      };
    };
    extraTokenClaims?: (
      ctx: KoaContextWithOIDC,
      token: Token,
    ) => Promise<Record<string, unknown> | undefined>;
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>;
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: Client) => boolean;
    ttl?: Record<string, number | ((ctx: KoaContextWithOIDC, token: Token, client: Client) => number)>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    readonly AccessToken: new (init: AccessTokenInit) => AccessToken;
    readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => ResourceServer;
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
    urlFor(name: string): string;
    registerGrantType(
      name: string,
      handler: (ctx: KoaContextWithOIDC) => Promise<void>,
      params?: string[],
    ): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidRequest: new (description?: string) => Error;
    // The grant error's description is fixed; callers may overwrite `error_description` for a clearer answer.
    InvalidGrant: new (detail?: string) => Error & { error_description: string };
    InvalidTarget: new (description?: string) => Error;
    InvalidScope: new (description?: string, scope?: string) => Error;
  };

  export default Provider;
}
