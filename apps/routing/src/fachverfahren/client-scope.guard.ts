import { type AuthenticatedRequest, ProblemException } from '@amtsbote/platform';
import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

const CLIENT_SCOPE_KEY = 'amtsbote:routing:client-scope';

/** The route is for Fachverfahren clients (client-credentials tokens) holding this scope. */
export const ClientScope = (scope: 'routing.pull' | 'routing.receipt' | 'routing.status' | 'routing.reply') =>
  SetMetadata(CLIENT_SCOPE_KEY, scope);

/**
 * Runs after the global token check: only OAuth clients (kind `client`) with the route's scope pass; which
 * messages they see is decided by their `destinations` claim in the service.
 */
@Injectable()
export class ClientScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<string | undefined>(CLIENT_SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (scope === undefined) return true;
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (principal?.kind !== 'client') {
      throw ProblemException.forbidden({
        de: 'Nur Fachverfahren (OAuth-Client-Credentials) dürfen diese Schnittstelle nutzen.',
        en: 'Only Fachverfahren (OAuth client credentials) may use this API.',
      });
    }
    if (!principal.scopes.includes(scope)) {
      throw ProblemException.forbidden({
        de: `Scope ${scope} fehlt im Token.`,
        en: `The token lacks the scope ${scope}.`,
      });
    }
    return true;
  }
}
