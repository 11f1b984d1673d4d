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

  upsert(id: string, dto: UpsertTenantDto, actorKey: string): Promise<Tenant> {
    return this.tenants.transaction(async (manager) => {
      const before = await this.tenants.find(id, manager);
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
