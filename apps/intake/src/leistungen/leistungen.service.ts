import { type FieldProblem, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { FimSchemasRepository } from '../fim-schemas/fim-schemas.repository';
import { TenantsRepository } from '../tenants/tenants.repository';
import {
  DEFAULT_ATTACHMENT_RULES,
  DEFAULT_DRAFT_LIFETIME_SECONDS,
  LEIKA_KEY,
  type UpsertLeistungDto,
} from './leistungen.dto';
import { type Leistung, withinArea } from './leistungen.entity';
import { LeistungenRepository } from './leistungen.repository';

const NOT_FOUND = { de: 'Die Leistung', en: 'The Leistung' };

@Injectable()
export class LeistungenService {
  constructor(
    private readonly leistungen: LeistungenRepository,
    private readonly tenants: TenantsRepository,
    private readonly schemas: FimSchemasRepository,
    private readonly audit: AuditRepository,
  ) {}

  async upsert(
    tenantId: string,
    leikaKey: string,
    dto: UpsertLeistungDto,
    actorKey: string,
  ): Promise<Leistung> {
    if (!LEIKA_KEY.test(leikaKey)) {
      throw ProblemException.badRequest(
        'invalid-leika-key',
        { de: 'Ungültiger LeiKa-Schlüssel', en: 'Invalid LeiKa key' },
        [
          {
            path: '/leikaKey',
            code: 'pattern',
            message: {
              de: 'Ein LeiKa-Schlüssel ist 99 gefolgt von 12 Ziffern.',
              en: 'A LeiKa key is 99 followed by 12 digits.',
            },
          },
        ],
      );
    }
    const rules = dto.attachments ?? DEFAULT_ATTACHMENT_RULES;
    return this.leistungen.transaction(async (manager) => {
      const tenant = await this.tenants.find(tenantId, manager);
      if (!tenant) {
        throw ProblemException.conflict(
          'tenant-missing',
          { de: 'Mandant fehlt', en: 'Tenant missing' },
          {
            de: `Legen Sie zuerst den Mandanten ${tenantId} an (PUT /admin/tenants/${tenantId}).`,
            en: `Create the tenant ${tenantId} first (PUT /admin/tenants/${tenantId}).`,
          },
        );
      }
      const problems: FieldProblem[] = [];
      const schema = await this.schemas.find(dto.fimSchema.id, dto.fimSchema.version, manager);
      if (!schema) {
        problems.push({
          path: '/fimSchema',
          code: 'fim-schema-unknown',
          message: {
            de: `Das FIM-Schema ${dto.fimSchema.id} Version ${dto.fimSchema.version} ist nicht hochgeladen.`,
            en: `The FIM schema ${dto.fimSchema.id} version ${dto.fimSchema.version} has not been uploaded.`,
          },
        });
      }
      dto.regions.forEach((region, i) => {
        if (!region.startsWith(tenant.ars)) {
          problems.push({
            path: `/regions/${i}`,
            code: 'region-outside-tenant',
            message: {
              de: `Die Region ${region} liegt nicht im Gebiet des Mandanten (ARS ${tenant.ars}).`,
              en: `The region ${region} is outside the tenant's area (ARS ${tenant.ars}).`,
            },
          });
        }
      });
      if (rules.maxFileBytes > rules.maxTotalBytes) {
        problems.push({
          path: '/attachments/maxFileBytes',
          code: 'maximum',
          message: {
            de: 'Die größte Datei darf nicht größer sein als die Gesamtgröße.',
            en: 'The largest file must not exceed the total size.',
          },
        });
      }
      if (problems.length > 0) {
        throw ProblemException.unprocessable(
          'leistung-invalid',
          {
            de: 'Die Leistung kann so nicht angelegt werden',
            en: 'The Leistung cannot be configured like this',
          },
          problems,
        );
      }
      const before = await this.leistungen.find(tenantId, leikaKey, manager);
      const saved = await this.leistungen.upsert(manager, {
        tenant: tenantId,
        leikaKey,
        nameDe: dto.names.de,
        nameEn: dto.names.en ?? null,
        schemaId: dto.fimSchema.id,
        schemaVersion: dto.fimSchema.version,
        minTrustLevel: dto.minTrustLevel,
        anonymousAllowed: dto.anonymousAllowed ?? false,
        regions: [...new Set(dto.regions)],
        attachmentMaxCount: rules.maxCount,
        attachmentMaxFileBytes: rules.maxFileBytes,
        attachmentMaxTotalBytes: rules.maxTotalBytes,
        attachmentMediaTypes: [...new Set(rules.mediaTypes)],
        draftLifetimeSeconds: dto.draftLifetimeSeconds ?? DEFAULT_DRAFT_LIFETIME_SECONDS,
        active: dto.active ?? true,
      });
      await this.audit.record(manager, {
        actorKey,
        tenant: tenantId,
        action: before ? 'leistung.update' : 'leistung.create',
        target: `leistung:${tenantId}/${leikaKey}`,
        details: { ...dto },
      });
      return saved;
    });
  }

  async get(tenant: string, leikaKey: string): Promise<Leistung> {
    const l = await this.leistungen.find(tenant, leikaKey);
    if (!l) throw ProblemException.notFound(NOT_FOUND);
    return l;
  }

  /** An active Leistung within its tenant's area, for citizens; others do not exist for them. */
  async offered(tenant: string, leikaKey: string): Promise<Leistung> {
    const [l, t] = await Promise.all([this.leistungen.find(tenant, leikaKey), this.tenants.find(tenant)]);
    if (!l || !l.active || !t || !withinArea(l.regions, t.ars)) throw ProblemException.notFound(NOT_FOUND);
    return l;
  }

  /** Every Leistung of the tenant, for its admins. */
  list(tenant: string): Promise<Leistung[]> {
    return this.leistungen.list(tenant, false);
  }

  /** What citizens see of a tenant: active Leistungen within the tenant's area. */
  async listOffered(tenant: string): Promise<Leistung[]> {
    const t = await this.tenants.find(tenant);
    if (!t) return [];
    return (await this.leistungen.list(tenant, true)).filter((l) => withinArea(l.regions, t.ars));
  }
}
