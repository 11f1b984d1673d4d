import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal } from './principal';

export const IS_PUBLIC_KEY = 'amtsbote:auth:public';
export const OPTIONAL_AUTH_KEY = 'amtsbote:auth:optional';
export const ROLES_KEY = 'amtsbote:auth:roles';
export const MIN_TRUST_LEVEL_KEY = 'amtsbote:auth:min-trust-level';

/** The request as the auth guard sees it (Fastify's and Express's requests both fit). */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** Set by the guard once a bearer token was verified. */
  principal?: Principal;
}

/** No authentication at all (health, metrics, public catalog). A sent token is not even looked at. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Anonymous callers are welcome (e.g. anonymous submissions), but a token that is sent must be valid and then
 * yields a principal. `@Roles`/`@MinTrustLevel` on the same route still demand a token.
 */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH_KEY, true);

/** The caller needs at least one of these roles (403 otherwise). Handler metadata overrides class metadata. */
export const Roles = (...roles: [string, ...string[]]) => SetMetadata(ROLES_KEY, roles);

/** The caller's trust level (from `acr`) must be at least `level` (403 otherwise). */
export const MinTrustLevel = (level: 1 | 2 | 3 | 4) => SetMetadata(MIN_TRUST_LEVEL_KEY, level);

/**
 * The verified caller. `undefined` only on `@Public()` routes and on `@OptionalAuth()` routes called anonymously.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().principal,
);
