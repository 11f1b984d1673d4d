import { type Principal, principalKey, ProblemException } from '@amtsbote/platform';

/** Tenant ids as the `tenant` claim must carry them (lowercase, digits, dashes). */
const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A catalog admin acts for exactly one tenant (the `tenant` claim); another tenant's catalog is off limits. */
export function assertTenantAdmin(
  principal: Principal,
  tenant: string,
): { actorKey: string; tenant: string } {
  if (principal.tenant === undefined || principal.tenant !== tenant) {
    throw ProblemException.forbidden({
      de: `Sie verwalten nur den Katalog Ihres eigenen Mandanten${principal.tenant ? ` (${principal.tenant})` : ''}.`,
      en: `You administer only the catalog of your own tenant${principal.tenant ? ` (${principal.tenant})` : ''}.`,
    });
  }
  return { actorKey: principalKey(principal), tenant };
}

export function adminTenant(principal: Principal): { actorKey: string; tenant: string } {
  if (principal.tenant === undefined || !TENANT_ID.test(principal.tenant)) {
    throw ProblemException.forbidden({
      de: 'Ihr Zugang ist keinem (gültigen) Mandanten zugeordnet.',
      en: 'Your login is not assigned to a (valid) tenant.',
    });
  }
  return { actorKey: principalKey(principal), tenant: principal.tenant };
}
