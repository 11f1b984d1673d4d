import { type Principal, principalKey, ProblemException } from '@amtsbote/platform';

/** What an administrator may see: every tenant (operators) or one tenant (a tenant's routing admin). */
export type AdminScope = { kind: 'all' } | { kind: 'tenant'; tenant: string };

export const ADMIN_ROLES = ['routing-admin', 'operator'] as const;

export function adminScope(principal: Principal): AdminScope {
  if (principal.roles.includes('operator')) return { kind: 'all' };
  if (principal.roles.includes('routing-admin') && principal.tenant !== undefined) {
    return { kind: 'tenant', tenant: principal.tenant };
  }
  throw ProblemException.forbidden({
    de: 'Routing-Administratoren brauchen einen Mandanten (tenant) im Token.',
    en: 'Routing administrators need a tenant claim in their token.',
  });
}

/** Tenants the scope can see, as an SQL parameter: null means all. */
export function scopeTenant(scope: AdminScope): string | null {
  return scope.kind === 'all' ? null : scope.tenant;
}

export function inScope(scope: AdminScope, tenant: string): boolean {
  return scope.kind === 'all' || scope.tenant === tenant;
}

export function actorOf(principal: Principal): { actor: string; actorTenant: string | null } {
  return { actor: principalKey(principal), actorTenant: principal.tenant ?? null };
}

/** The tenant a request works in: the admin's own, or (operators) the one named, which they must name. */
export function requestTenant(principal: Principal, requested: string | undefined): string {
  const scope = adminScope(principal);
  if (scope.kind === 'tenant') {
    if (requested !== undefined && requested !== scope.tenant) throw ProblemException.forbidden();
    return scope.tenant;
  }
  if (requested === undefined) {
    throw ProblemException.badRequest('tenant-required', { de: 'Mandant fehlt', en: 'Tenant missing' }, [
      { path: '/tenant', code: 'isDefined', message: { de: 'tenant angeben.', en: 'Give tenant.' } },
    ]);
  }
  return requested;
}
