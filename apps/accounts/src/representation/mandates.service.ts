import { randomUUID } from 'node:crypto';
import { mandateGrantedV1, mandateRevokedV1 } from '@amtsbote/contracts';
import { OutboxWriter } from '@amtsbote/messaging';
import { APP_CONFIG, type FieldProblem, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Account } from '../accounts/accounts.repository';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AuditService } from '../audit/audit.service';
import type { AccountsConfig } from '../config';
import type { GrantMandateDto, MandateDto } from './mandates.dto';
import { type MandateRecord, MandatesRepository } from './mandates.repository';

function invalid(path: string, code: string, de: string, en: string): ProblemException {
  const errors: FieldProblem[] = [{ path, code, message: { de, en } }];
  return ProblemException.unprocessable(
    'invalid-mandate',
    { de: 'Die Vollmacht ist so nicht möglich', en: 'The mandate is not possible like this' },
    errors,
  );
}

export function mandateState(m: MandateRecord, now = new Date()): MandateDto['state'] {
  if (m.revokedAt) return 'revoked';
  if (m.validFrom > now) return 'scheduled';
  if (m.validUntil && m.validUntil <= now) return 'expired';
  return 'active';
}

/** An organisation grants and revokes the right to act for it; every change goes out as an event. */
@Injectable()
export class MandatesService {
  constructor(
    private readonly mandates: MandatesRepository,
    private readonly accounts: AccountsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxWriter,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {}

  private requireOrganisation(account: Account): void {
    if (account.kind !== 'organisation') {
      throw ProblemException.forbidden({
        de: 'Vollmachten kann nur ein Organisationskonto erteilen und verwalten.',
        en: 'Only an organisation account can grant and manage mandates.',
      });
    }
  }

  async grant(org: Account, dto: GrantMandateDto): Promise<MandateDto> {
    this.requireOrganisation(org);
    const now = new Date();
    const validFrom = dto.validFrom ?? now;
    const validUntil = dto.validUntil ?? null;
    if (dto.representativeKey === org.key) {
      throw invalid(
        '/representativeKey',
        'self',
        'Eine Organisation kann sich nicht selbst bevollmächtigen.',
        'An organisation cannot grant a mandate to itself.',
      );
    }
    const issuer = dto.representativeKey.slice(0, dto.representativeKey.lastIndexOf('|'));
    if (!this.config.OIDC_ISSUERS.includes(issuer)) {
      throw invalid(
        '/representativeKey',
        'unknown-issuer',
        'Der Kontoschlüssel nennt keinen hier zugelassenen Identitätsanbieter.',
        'The account key does not name an identity provider accepted here.',
      );
    }
    if (validUntil && validUntil <= validFrom) {
      throw invalid(
        '/validUntil',
        'before-start',
        'Das Ende liegt vor dem Beginn.',
        'The end is before the start.',
      );
    }
    if (validUntil && validUntil <= now) {
      throw invalid(
        '/validUntil',
        'in-past',
        'Das Ende liegt in der Vergangenheit.',
        'The end is in the past.',
      );
    }
    const record = await this.mandates.transaction(async (manager) => {
      const inserted = await this.mandates.insert(manager, {
        mandateId: randomUUID(),
        organisationKey: org.key,
        representativeKey: dto.representativeKey,
        leikaKeys: dto.leikaKeys,
        validFrom,
        validUntil,
        grantedByKey: org.key,
      });
      await this.outbox.add(manager, {
        contract: mandateGrantedV1,
        subject: inserted.mandateId,
        data: {
          mandateId: inserted.mandateId,
          organisationKey: inserted.organisationKey,
          representativeKey: inserted.representativeKey,
          leikaKeys: inserted.leikaKeys,
          validFrom: inserted.validFrom.toISOString(),
          validUntil: inserted.validUntil?.toISOString() ?? null,
        },
      });
      await this.audit.record(manager, {
        actorKey: org.key,
        ownerKey: org.key,
        action: 'mandate.granted',
        target: inserted.mandateId,
      });
      return inserted;
    });
    return (await this.toDtos([record]))[0];
  }

  async list(org: Account, includeRevoked: boolean): Promise<MandateDto[]> {
    this.requireOrganisation(org);
    return this.toDtos(await this.mandates.listByOrganisation(org.key, includeRevoked));
  }

  async get(org: Account, mandateId: string): Promise<MandateDto> {
    this.requireOrganisation(org);
    const m = await this.mandates.transaction((manager) =>
      this.mandates.findOfOrganisation(manager, org.key, mandateId),
    );
    if (!m) throw ProblemException.notFound({ de: 'Die Vollmacht', en: 'The mandate' });
    return (await this.toDtos([m]))[0];
  }

  /** Idempotent: revoking a revoked mandate changes nothing and emits nothing. */
  async revoke(org: Account, mandateId: string): Promise<MandateDto> {
    this.requireOrganisation(org);
    const record = await this.mandates.transaction(async (manager) => {
      const existing = await this.mandates.findOfOrganisation(manager, org.key, mandateId, true);
      if (!existing) throw ProblemException.notFound({ de: 'Die Vollmacht', en: 'The mandate' });
      if (existing.revokedAt) return existing;
      const revoked = await this.revokeOne(manager, mandateId, org.key);
      await this.audit.record(manager, {
        actorKey: org.key,
        ownerKey: org.key,
        action: 'mandate.revoked',
        target: mandateId,
      });
      return revoked ?? existing;
    });
    return (await this.toDtos([record]))[0];
  }

  /** Revokes and emits mandateRevokedV1 in the caller's transaction. */
  async revokeOne(
    manager: EntityManager,
    mandateId: string,
    byKey: string,
  ): Promise<MandateRecord | undefined> {
    const revoked = await this.mandates.revoke(manager, mandateId, byKey);
    if (revoked?.revokedAt) {
      await this.outbox.add(manager, {
        contract: mandateRevokedV1,
        subject: mandateId,
        data: { mandateId, revokedAt: revoked.revokedAt.toISOString() },
      });
    }
    return revoked;
  }

  /** Whom the caller may act for (organisations that granted them a mandate that is not revoked). */
  async representations(callerKey: string): Promise<MandateDto[]> {
    return this.toDtos(await this.mandates.forRepresentative(callerKey));
  }

  private async toDtos(records: MandateRecord[]): Promise<MandateDto[]> {
    const names = await this.accounts.namesOf(records.map((r) => r.organisationKey));
    const now = new Date();
    return records.map((m) => ({
      mandateId: m.mandateId,
      organisationKey: m.organisationKey,
      organisationName: names.get(m.organisationKey) ?? null,
      representativeKey: m.representativeKey,
      leikaKeys: m.leikaKeys,
      validFrom: m.validFrom,
      validUntil: m.validUntil,
      revokedAt: m.revokedAt,
      state: mandateState(m, now),
      createdAt: m.createdAt,
    }));
  }
}
