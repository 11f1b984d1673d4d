import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, QueryDeepPartialEntity, Repository } from 'typeorm';
import { ProviderConfigEntity } from './providers.entity';

@Injectable()
export class ProvidersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ProviderConfigEntity) private readonly configs: Repository<ProviderConfigEntity>,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  list(tenant: string): Promise<ProviderConfigEntity[]> {
    return this.configs.find({ where: { tenant }, order: { environment: 'ASC' } });
  }

  find(
    tenant: string,
    environment: 'test' | 'production',
    manager?: EntityManager,
  ): Promise<ProviderConfigEntity | null> {
    return (manager ?? this.dataSource.manager).findOne(ProviderConfigEntity, {
      where: { tenant, environment },
      ...(manager ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async upsert(manager: EntityManager, config: ProviderConfigEntity): Promise<void> {
    await manager.upsert(ProviderConfigEntity, config as QueryDeepPartialEntity<ProviderConfigEntity>, [
      'tenant',
      'environment',
    ]);
  }

  async delete(manager: EntityManager, tenant: string, environment: 'test' | 'production'): Promise<boolean> {
    const r = await manager.delete(ProviderConfigEntity, { tenant, environment });
    return (r.affected ?? 0) > 0;
  }
}
