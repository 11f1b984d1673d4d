import { randomUUID } from 'node:crypto';
import { type FieldProblem, ProblemException } from '@amtsbote/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { sanitizeBookingData, sanitizePurpose, sanitizeText } from '../common/sanitize';
import type { FeeDto, FeeInputDto } from './fees.dto';
import { FeeScheduleEntity } from './fees.entity';
import { DuplicateFeeError, FeesRepository } from './fees.repository';

const FEE = { de: 'Die Gebühr', en: 'The fee' };

function toDto(fee: FeeScheduleEntity, sanitizedFields: string[] = []): FeeDto {
  return {
    id: fee.id,
    tenant: fee.tenant,
    leikaKey: fee.leikaKey,
    arsPrefix: fee.arsPrefix,
    amountCents: fee.amountCents,
    currency: 'EUR',
    purpose: fee.purpose,
    description: fee.description,
    bookingData: fee.bookingData,
    sanitizedFields,
    createdAt: fee.createdAt,
    updatedAt: fee.updatedAt,
  };
}

function duplicate(): ProblemException {
  return ProblemException.conflict(
    'fee-exists',
    { de: 'Gebühr existiert bereits', en: 'Fee exists' },
    {
      de: 'Für diese Leistung und Region ist bereits eine Gebühr festgelegt. Ändern Sie diese stattdessen.',
      en: 'A fee for this Leistung and region exists already. Change that one instead.',
    },
  );
}

/** Gebühren per tenant, Leistung and region, managed by the tenant's payment admins. */
@Injectable()
export class FeesService {
  private readonly logger = new Logger('Fees');

  constructor(
    private readonly fees: FeesRepository,
    private readonly audit: AuditRepository,
  ) {}

  async list(tenant: string): Promise<FeeDto[]> {
    return (await this.fees.list(tenant)).map((f) => toDto(f));
  }

  async get(tenant: string, id: string): Promise<FeeDto> {
    const fee = await this.fees.find(tenant, id);
    if (!fee) throw ProblemException.notFound(FEE);
    return toDto(fee);
  }

  async lookup(tenant: string, leikaKey: string, ars: string): Promise<FeeDto> {
    const fee = await this.fees.applicable(tenant, leikaKey, ars);
    if (!fee) throw ProblemException.notFound({ de: 'Eine Gebühr', en: 'A fee' });
    return toDto(fee);
  }

  /** The fee that applies to a submission, inside the consumer's transaction. */
  applicable(
    manager: EntityManager,
    tenant: string,
    leikaKey: string,
    ars: string,
  ): Promise<FeeScheduleEntity | undefined> {
    return this.fees.applicable(tenant, leikaKey, ars, manager);
  }

  async create(tenant: string, actorKey: string, input: FeeInputDto): Promise<FeeDto> {
    const { values, sanitizedFields } = this.clean(input);
    const now = new Date();
    const fee = Object.assign(new FeeScheduleEntity(), {
      id: randomUUID(),
      tenant,
      ...values,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.fees.transaction(async (manager) => {
        await this.fees.insert(manager, fee);
        await this.audit.record(manager, {
          tenant,
          actorKey,
          action: 'fee.created',
          target: fee.id,
          details: { after: toDto(fee) },
        });
      });
    } catch (err) {
      if (err instanceof DuplicateFeeError) throw duplicate();
      throw err;
    }
    this.logger.log(
      { tenant, feeId: fee.id, leikaKey: fee.leikaKey, amountCents: fee.amountCents },
      'fee created',
    );
    return toDto(fee, sanitizedFields);
  }

  async update(tenant: string, id: string, actorKey: string, input: FeeInputDto): Promise<FeeDto> {
    const { values, sanitizedFields } = this.clean(input);
    try {
      const updated = await this.fees.transaction(async (manager) => {
        const before = await this.fees.find(tenant, id, manager);
        if (!before) throw ProblemException.notFound(FEE);
        const after = Object.assign(new FeeScheduleEntity(), { ...before, ...values, updatedAt: new Date() });
        await this.fees.update(manager, after);
        await this.audit.record(manager, {
          tenant,
          actorKey,
          action: 'fee.updated',
          target: id,
          details: { before: toDto(before), after: toDto(after) },
        });
        return after;
      });
      this.logger.log({ tenant, feeId: id, amountCents: updated.amountCents }, 'fee updated');
      return toDto(updated, sanitizedFields);
    } catch (err) {
      if (err instanceof DuplicateFeeError) throw duplicate();
      throw err;
    }
  }

  async remove(tenant: string, id: string, actorKey: string): Promise<void> {
    await this.fees.transaction(async (manager) => {
      const before = await this.fees.find(tenant, id, manager);
      if (!before || !(await this.fees.delete(manager, tenant, id))) throw ProblemException.notFound(FEE);
      await this.audit.record(manager, {
        tenant,
        actorKey,
        action: 'fee.deleted',
        target: id,
        details: { before: toDto(before) },
      });
    });
    this.logger.log({ tenant, feeId: id }, 'fee deleted');
  }

  /** Brings the texts within the XBezahldienste limits and reports which ones changed. */
  private clean(input: FeeInputDto): {
    values: Pick<
      FeeScheduleEntity,
      'leikaKey' | 'arsPrefix' | 'amountCents' | 'purpose' | 'description' | 'bookingData'
    >;
    sanitizedFields: string[];
  } {
    const problems: FieldProblem[] = [];
    const rawBooking = input.bookingData ?? {};
    for (const [key, value] of Object.entries(rawBooking)) {
      if (typeof value !== 'string') {
        problems.push({
          path: `/bookingData/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          code: 'isString',
          message: { de: 'Muss ein Text sein.', en: 'Must be a string.' },
        });
      }
    }
    const purpose = sanitizePurpose(input.purpose);
    if (purpose === '') {
      problems.push({
        path: '/purpose',
        code: 'empty-after-sanitising',
        message: {
          de: 'Der Verwendungszweck enthält keine zulässigen Zeichen (A–Z, 0–9, Leerzeichen, Bindestrich).',
          en: 'The purpose contains no permitted characters (A–Z, 0–9, space, hyphen).',
        },
      });
    }
    if (problems.length > 0) {
      throw ProblemException.unprocessable(
        'invalid-fee',
        { de: 'Ungültige Gebühr', en: 'Invalid fee' },
        problems,
      );
    }
    const rawDescription = input.description ?? input.purpose;
    const description = sanitizeText(rawDescription);
    const bookingData = sanitizeBookingData(rawBooking);
    const sanitizedFields: string[] = [];
    if (purpose !== input.purpose) sanitizedFields.push('purpose');
    if (input.description !== undefined && description !== input.description)
      sanitizedFields.push('description');
    if (JSON.stringify(bookingData) !== JSON.stringify(rawBooking)) sanitizedFields.push('bookingData');
    return {
      values: {
        leikaKey: input.leikaKey,
        arsPrefix: input.arsPrefix ?? null,
        amountCents: input.amountCents,
        purpose,
        description: description === '' ? purpose : description,
        bookingData,
      },
      sanitizedFields,
    };
  }
}
