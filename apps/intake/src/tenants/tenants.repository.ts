import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Tenant, type TenantKind } from './tenants.entity';

@Injectable()
export class TenantsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Tenant | null> {
    return manager.findOne(Tenant, { where: { id } });
  }

  async upsert(
    manager: EntityManager,
    t: { id: string; kind: TenantKind; name: string; ars: string },
  ): Promise<Tenant> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(Tenant)
      .values({ id: t.id, kind: t.kind, name: t.name, ars: t.ars })
      .orUpdate(['kind', 'name', 'ars', 'updated_at'], ['id'])
      .execute();
    const saved = await this.find(t.id, manager);
    if (!saved) throw new Error(`tenant ${t.id} vanished during upsert`);
    return saved;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
