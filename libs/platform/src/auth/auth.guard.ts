import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '../errors';
import {
  type AuthenticatedRequest,
  IS_PUBLIC_KEY,
  MIN_TRUST_LEVEL_KEY,
  OPTIONAL_AUTH_KEY,
  ROLES_KEY,
} from './auth.decorators';
import type { TrustLevel } from './principal';
import { invalidToken, TokenVerifier } from './token-verifier';
import { insufficientTrustLevel } from './trust-level';

/** RFC 6750 `b64token` after the `Bearer` scheme (case-insensitive). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

function bearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  if (match?.[1] === undefined) {
    throw invalidToken({
      de: 'Erwartet wird ein Authorization-Header „Bearer <Token>“.',
      en: 'Expected an Authorization header "Bearer <token>".',
    });
  }
  return match[1];
}

/**
 * Global guard: every HTTP route needs a valid bearer token unless marked `@Public()` or `@OptionalAuth()`;
 * `@Roles()` and `@MinTrustLevel()` are checked against the verified principal.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka consumers and other transports authenticate by other means.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true) return true;

    const optional =
      this.reflector.getAllAndOverride<boolean | undefined>(OPTIONAL_AUTH_KEY, targets) === true;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets) ?? [];
    const minTrustLevel = this.reflector.getAllAndOverride<TrustLevel | undefined>(
      MIN_TRUST_LEVEL_KEY,
      targets,
    );

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      if (optional && roles.length === 0 && minTrustLevel === undefined) return true;
      throw ProblemException.unauthorized({
        de: 'Für diese Anfrage ist eine Anmeldung (Bearer-Token) erforderlich.',
        en: 'This request requires authentication (bearer token).',
      });
    }

    const principal = await this.verifier.verify(token);
    request.principal = principal;

    if (roles.length > 0 && !roles.some((role) => principal.roles.includes(role))) {
      throw ProblemException.forbidden({
        de: `Diese Aktion erfordert eine der Rollen: ${roles.join(', ')}.`,
        en: `This action requires one of the roles: ${roles.join(', ')}.`,
      });
    }

    if (minTrustLevel !== undefined && principal.trustLevel < minTrustLevel) {
      throw insufficientTrustLevel(minTrustLevel, principal.trustLevel);
    }
    return true;
  }
}
