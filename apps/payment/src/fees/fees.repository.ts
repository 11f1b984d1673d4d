import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError, type Repository } from 'typeorm';
import { DATABASE_SCHEMA } from '../service';
import { FeeScheduleEntity } from './fees.entity';

export class DuplicateFeeError extends Error {
  override name = 'DuplicateFeeError';
}

interface FeeRow {
  id: string;
  tenant: string;
  leika_key: string;
  ars_prefix: string | null;
  amount_cents: number;
  purpose: string;
  description: string;
  booking_data: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

function fromRow(r: FeeRow): FeeScheduleEntity {
  return Object.assign(new FeeScheduleEntity(), {
    id: r.id,
    tenant: r.tenant,
    leikaKey: r.leika_key,
    arsPrefix: r.ars_prefix,
    amountCents: r.amount_cents,
    purpose: r.purpose,
    description: r.description,
    bookingData: r.booking_data,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505';
}

@Injectable()
export class FeesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(FeeScheduleEntity) private readonly fees: Repository<FeeScheduleEntity>,
  ) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  list(tenant: string): Promise<FeeScheduleEntity[]> {
    return this.fees.find({ where: { tenant }, order: { leikaKey: 'ASC', arsPrefix: 'ASC' } });
  }

  find(tenant: string, id: string, manager?: EntityManager): Promise<FeeScheduleEntity | null> {
    return (manager ?? this.dataSource.manager).findOne(FeeScheduleEntity, { where: { tenant, id } });
  }

  async insert(manager: EntityManager, fee: FeeScheduleEntity): Promise<void> {
    try {
      await manager.insert(FeeScheduleEntity, fee);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateFeeError('a fee for this Leistung and region exists');
      throw err;
    }
  }

  async update(manager: EntityManager, fee: FeeScheduleEntity): Promise<void> {
    try {
      await manager.update(
        FeeScheduleEntity,
        { id: fee.id, tenant: fee.tenant },
        {
          leikaKey: fee.leikaKey,
          arsPrefix: fee.arsPrefix,
          amountCents: fee.amountCents,
          purpose: fee.purpose,
          description: fee.description,
          bookingData: fee.bookingData,
          updatedAt: fee.updatedAt,
        },
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateFeeError('a fee for this Leistung and region exists');
      throw err;
    }
  }

  async delete(manager: EntityManager, tenant: string, id: string): Promise<boolean> {
    const result = await manager.delete(FeeScheduleEntity, { tenant, id });
    return (result.affected ?? 0) > 0;
  }

  /** The fee that applies: same tenant and Leistung, the longest ARS prefix of `ars` (or none) wins. */
  async applicable(
    tenant: string,
    leikaKey: string,
    ars: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<FeeScheduleEntity | undefined> {
    const rows = await manager.query<FeeRow[]>(
      `SELECT * FROM "${DATABASE_SCHEMA}".fee_schedules
        WHERE tenant = $1 AND leika_key = $2
          AND (ars_prefix IS NULL OR left($3, char_length(ars_prefix)) = ars_prefix)
        ORDER BY char_length(coalesce(ars_prefix, '')) DESC
        LIMIT 1`,
      [tenant, leikaKey, ars],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }
}
