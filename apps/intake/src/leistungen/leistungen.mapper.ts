import type { LeistungDto } from './leistungen.dto';
import type { Leistung } from './leistungen.entity';

export function toLeistungDto(l: Leistung): LeistungDto {
  return {
    tenant: l.tenant,
    leikaKey: l.leikaKey,
    names: l.nameEn === null ? { de: l.nameDe } : { de: l.nameDe, en: l.nameEn },
    fimSchema: { id: l.schemaId, version: l.schemaVersion },
    minTrustLevel: l.minTrustLevel,
    anonymousAllowed: l.anonymousAllowed,
    regions: l.regions,
    attachments: {
      maxCount: l.attachmentMaxCount,
      maxFileBytes: l.attachmentMaxFileBytes,
      maxTotalBytes: l.attachmentMaxTotalBytes,
      mediaTypes: l.attachmentMediaTypes,
    },
    draftLifetimeSeconds: l.draftLifetimeSeconds,
    active: l.active,
    updatedAt: l.updatedAt,
  };
}
