import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { Leistung } from './leistungen.entity';

@Injectable()
export class LeistungenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(tenant: string, leikaKey: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOne(Leistung, { where: { tenant, leikaKey } });
  }

  list(tenant: string, onlyActive = false): Promise<Leistung[]> {
    return this.dataSource.manager.find(Leistung, {
      where: onlyActive ? { tenant, active: true } : { tenant },
      order: { leikaKey: 'ASC' },
    });
  }

  async upsert(manager: EntityManager, l: Omit<Leistung, 'createdAt' | 'updatedAt'>): Promise<Leistung> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(Leistung)
      .values(l)
      .orUpdate(
        [
          'name_de',
          'name_en',
          'schema_id',
          'schema_version',
          'min_trust_level',
          'anonymous_allowed',
          'regions',
          'attachment_max_count',
          'attachment_max_file_bytes',
          'attachment_max_total_bytes',
          'attachment_media_types',
          'draft_lifetime_seconds',
          'active',
          'updated_at',
        ],
        ['tenant', 'leika_key'],
      )
      .execute();
    const saved = await this.find(l.tenant, l.leikaKey, manager);
    if (!saved) throw new Error('Leistung vanished during upsert');
    return saved;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
