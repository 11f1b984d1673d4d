import { ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { UpsertTenantDto } from './tenants.dto';
import type { Tenant } from './tenants.entity';
import { TenantsRepository } from './tenants.repository';

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditRepository,
  ) {}

  upsert(id: string, dto: UpsertTenantDto, actorKey: string, o: { mayChangeArs: boolean }): Promise<Tenant> {
    return this.tenants.transaction(async (manager) => {
      const before = await this.tenants.find(id, manager);
      if (before && before.ars !== dto.ars && !o.mayChangeArs) throw arsLocked(before.ars);
      const saved = await this.tenants.upsert(manager, { id, kind: dto.kind, name: dto.name, ars: dto.ars });
      await this.audit.record(manager, {
        actorKey,
        tenant: id,
        action: before ? 'tenant.update' : 'tenant.create',
        target: `tenant:${id}`,
        details: { kind: dto.kind, name: dto.name, ars: dto.ars },
      });
      return saved;
    });
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.tenants.find(id);
    if (!tenant) throw ProblemException.notFound({ de: 'Der Mandant', en: 'The tenant' });
    return tenant;
  }
}

/**
 * A tenant's area decides where it may offer Leistungen: its own catalog admin could otherwise move it into
 * another Land, publish there and move back.
 */
function arsLocked(ars: string): ProblemException {
  return new ProblemException({
    status: 403,
    code: 'tenant-ars-locked',
    title: { de: 'Gebiet des Mandanten gesperrt', en: "Tenant's area locked" },
    detail: {
      de: `Das Gebiet (ARS ${ars}) eines bestehenden Mandanten ändern nur Betreiber (Rolle operator).`,
      en: `Only operators (role operator) change the area (ARS ${ars}) of an existing tenant.`,
    },
  });
}
