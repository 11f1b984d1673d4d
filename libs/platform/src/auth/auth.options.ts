export interface AuthIssuerOptions {
  /** Issuer identifier exactly as in the tokens' `iss` claim. */
  issuer: string;
  /**
   * JWKS endpoint. When omitted it is discovered from `<issuer>/.well-known/openid-configuration` on first use
   * (Keycloak's, for one, is not at `<issuer>/jwks`).
   */
  jwksUri?: string;
  /** Accepted `aud` value(s). Configure it in production: without it any token of the issuer is accepted. */
  audience?: string | string[];
}

export interface AuthOptions {
  /** Issuers whose tokens are accepted; a token from any other issuer is refused. */
  issuers: AuthIssuerOptions[];
  /** Allowed clock skew for `exp`/`nbf`/`iat`. Default 30 seconds. */
  clockToleranceSeconds?: number;
  /** Longest accepted lifetime of a token (`exp` − `iat`, or `exp` − now without `iat`). Default one day. */
  maxTokenLifetimeSeconds?: number;
}

/** Injection token of the {@link AuthOptions}. */
export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
