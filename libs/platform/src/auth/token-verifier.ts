import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { type Bilingual, ProblemException } from '../errors';
import { AUTH_OPTIONS, type AuthIssuerOptions, type AuthOptions } from './auth.options';
import { type Principal, principalFromClaims } from './principal';

/** Asymmetric algorithms only: a JWKS-verified token must never be accepted with an HMAC or `none`. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 86_400;

/** Verified tokens are remembered briefly: portals send the same token with every request of a session. */
const CACHE_MAX_ENTRIES = 10_000;
const CACHE_MAX_AGE_MS = 60_000;

interface TrustedIssuer {
  issuer: string;
  audience?: string | string[];
  jwksUri?: string;
  keys?: Promise<JWTVerifyGetKey>;
}

/** 401 with the RFC 6750 hint that the token (not the request) is the problem. */
export function invalidToken(detail: Bilingual): ProblemException {
  const base = ProblemException.unauthorized(detail);
  return new ProblemException({
    ...base.problem,
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
}

function assertUrl(value: string, what: string): void {
  if (!URL.canParse(value)) throw new Error(`AuthModule: ${what} '${value}' is not a URL`);
}

/**
 * Verifies bearer tokens against the JWKS of the configured issuers (keys fetched on demand and cached by jose,
 * which refetches on an unknown `kid`, so key rotation needs no restart).
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);
  private readonly issuers = new Map<string, TrustedIssuer>();
  private readonly clockTolerance: number;
  private readonly maxLifetime: number;
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(@Inject(AUTH_OPTIONS) options: AuthOptions) {
    if (options.issuers.length === 0) throw new Error('AuthModule: at least one issuer must be configured');
    for (const entry of options.issuers) this.addIssuer(entry);
    this.clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
    this.maxLifetime = options.maxTokenLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  }

  private addIssuer({ issuer, jwksUri, audience }: AuthIssuerOptions): void {
    assertUrl(issuer, 'issuer');
    if (jwksUri !== undefined) assertUrl(jwksUri, 'jwksUri');
    if (this.issuers.has(issuer)) throw new Error(`AuthModule: issuer '${issuer}' is configured twice`);
    this.issuers.set(issuer, { issuer, audience, jwksUri });
  }

  /** Verifies `token` and returns its principal, or throws a 401 (or 503 when the IdP's keys are unreachable). */
  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token);
    if (cached && cached.until > Date.now()) return cached.principal;
    if (cached) this.verified.delete(token);
    const principal = await this.verifyUncached(token);
    // Never beyond the token's own expiry (clock tolerance is not extended by the cache).
    const exp = typeof principal.claims.exp === 'number' ? principal.claims.exp * 1000 : 0;
    const until = Math.min(Date.now() + CACHE_MAX_AGE_MS, exp);
    if (until > Date.now()) {
      if (this.verified.size >= CACHE_MAX_ENTRIES) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { principal, until });
    }
    return principal;
  }

  private async verifyUncached(token: string): Promise<Principal> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw invalidToken({ de: 'Das Token ist kein gültiges JWT.', en: 'The token is not a valid JWT.' });
    }
    const trusted = typeof unverified.iss === 'string' ? this.issuers.get(unverified.iss) : undefined;
    if (trusted === undefined) {
      throw invalidToken({
        de: 'Tokens dieses Ausstellers werden nicht akzeptiert.',
        en: 'Tokens of this issuer are not accepted.',
      });
    }

    const keys = await this.keysOf(trusted);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: ALGORITHMS,
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw this.toProblem(error, trusted);
    }
    this.assertSaneTimes(payload);
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw invalidToken({
        de: 'Das Token nennt kein Subjekt (sub).',
        en: 'The token names no subject (sub).',
      });
    }
    return principalFromClaims(payload);
  }

  /**
   * jose checks that `exp` has not passed and `nbf` has come; an IdP never issues a token in the future or
   * for years, so such a token (a signing key misused, a clock far off) is refused too.
   */
  private assertSaneTimes(payload: JWTPayload): void {
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + this.clockTolerance) {
      throw invalidToken({
        de: 'Das Token ist laut iat erst in der Zukunft ausgestellt.',
        en: 'According to its iat the token is issued in the future.',
      });
    }
    const issued = typeof payload.iat === 'number' ? payload.iat : now;
    if (typeof payload.exp === 'number' && payload.exp - issued > this.maxLifetime) {
      throw invalidToken({
        de: `Das Token gilt länger als ${this.maxLifetime} Sekunden.`,
        en: `The token is valid for longer than ${this.maxLifetime} seconds.`,
      });
    }
  }

  private keysOf(trusted: TrustedIssuer): Promise<JWTVerifyGetKey> {
    if (trusted.keys === undefined) {
      const keys = (async () => {
        const jwksUri = trusted.jwksUri ?? (await this.discoverJwksUri(trusted.issuer));
        return createRemoteJWKSet(new URL(jwksUri));
      })();
      trusted.keys = keys;
      // Failed discovery is retried on the next request instead of being cached.
      keys.catch(() => {
        if (trusted.keys === keys) trusted.keys = undefined;
      });
    }
    return trusted.keys.catch((error: unknown) => {
      this.logger.warn(`OIDC discovery for ${trusted.issuer} failed: ${String(error)}`);
      throw keysUnavailable();
    });
  }

  private async discoverJwksUri(issuer: string): Promise<string> {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const metadata = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
    if (metadata.issuer !== issuer) throw new Error(`discovery names issuer '${String(metadata.issuer)}'`);
    if (typeof metadata.jwks_uri !== 'string' || !URL.canParse(metadata.jwks_uri)) {
      throw new Error('discovery document has no valid jwks_uri');
    }
    return metadata.jwks_uri;
  }

  private toProblem(error: unknown, trusted: TrustedIssuer): ProblemException {
    if (error instanceof errors.JWTExpired) {
      return invalidToken({ de: 'Das Token ist abgelaufen.', en: 'The token has expired.' });
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'aud') {
        return invalidToken({
          de: 'Das Token ist nicht für diesen Dienst ausgestellt (aud).',
          en: 'The token was not issued for this service (aud).',
        });
      }
      return invalidToken({
        de: `Der Claim „${error.claim}“ des Tokens ist ungültig: ${error.reason}.`,
        en: `The token's "${error.claim}" claim is invalid: ${error.reason}.`,
      });
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return invalidToken({
        de: 'Die Signatur des Tokens ist ungültig.',
        en: 'The token signature is invalid.',
      });
    }
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return invalidToken({
        de: 'Das Token ist mit einem unbekannten Schlüssel signiert.',
        en: 'The token is signed with an unknown key.',
      });
    }
    // The IdP is unreachable or answers garbage (a non-200 or non-JSON JWKS response is a plain JOSEError):
    // the caller is not at fault and may retry.
    if (
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      !(error instanceof errors.JOSEError) ||
      error.constructor === errors.JOSEError
    ) {
      this.logger.warn(`JWKS of ${trusted.issuer} unavailable: ${String(error)}`);
      return keysUnavailable();
    }
    // Remaining JOSE errors: malformed token, disallowed algorithm, unsupported key type.
    return invalidToken({ de: 'Das Token ist ungültig.', en: 'The token is invalid.' });
  }
}

function keysUnavailable(): ProblemException {
  return ProblemException.unavailable({
    de: 'Die Schlüssel des Identitätsanbieters sind gerade nicht abrufbar.',
    en: "The identity provider's keys cannot be fetched right now.",
  });
}
