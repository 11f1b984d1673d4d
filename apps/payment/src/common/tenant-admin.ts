import { type Principal, principalKey, ProblemException } from '@amtsbote/platform';
import { type PipeTransform } from '@nestjs/common';

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Validates a `:tenant` path parameter. */
export class TenantPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TENANT.test(value)) {
      throw ProblemException.badRequest(
        'validation-failed',
        { de: 'Ungültige Mandantenkennung', en: 'Invalid tenant id' },
        [
          {
            path: '/tenant',
            code: 'matches',
            message: {
              de: 'tenant besteht aus Kleinbuchstaben, Ziffern und Bindestrichen.',
              en: 'tenant consists of lowercase letters, digits and hyphens.',
            },
          },
        ],
      );
    }
    return value;
  }
}

/**
 * A tenant's admin manages only their own tenant: the `tenant` claim of the token must name it. The role
 * itself is checked by `@Roles` before. Returns the actor key for the audit log.
 */
export function tenantAdmin(principal: Principal, tenant: string): string {
  if (principal.tenant !== tenant) {
    throw ProblemException.forbidden({
      de: `Sie verwalten den Mandanten „${tenant}“ nicht.`,
      en: `You do not administer tenant "${tenant}".`,
    });
  }
  return principalKey(principal);
}
