import { createHash } from 'node:crypto';
import type { FormElement } from '@amtsbote/fim';
import { Injectable } from '@nestjs/common';
import { FimRuntime } from '../fim-schemas/fim-runtime.service';
import type { Leistung } from '../leistungen/leistungen.entity';
import { toLeistungDto } from '../leistungen/leistungen.mapper';
import { LeistungenService } from '../leistungen/leistungen.service';
import type { AttachmentFieldDto, FormDefinitionDto, PublicLeistungDto } from './forms.dto';

export interface RenderedForm {
  body: string;
  etag: string;
}

function attachmentFields(
  elements: readonly FormElement[],
  out: AttachmentFieldDto[] = [],
): AttachmentFieldDto[] {
  for (const e of elements) {
    if (e.kind === 'group') {
      attachmentFields(e.children, out);
    } else if (e.datentyp === 'file') {
      const f: AttachmentFieldDto = {
        path: e.path,
        id: e.id,
        label: e.label,
        required: e.required,
        repeatable: e.repeatable,
      };
      if (e.constraints.mediaTypes) f.mediaTypes = e.constraints.mediaTypes;
      if (e.constraints.maxBytes !== undefined) f.maxBytes = e.constraints.maxBytes;
      out.push(f);
    }
  }
  return out;
}

export function publicLeistung(l: Leistung): PublicLeistungDto {
  const d = toLeistungDto(l);
  return {
    tenant: d.tenant,
    leikaKey: d.leikaKey,
    names: d.names,
    fimSchema: d.fimSchema,
    minTrustLevel: d.minTrustLevel,
    anonymousAllowed: d.anonymousAllowed,
    regions: d.regions,
    draftLifetimeSeconds: d.draftLifetimeSeconds,
  };
}

/** Form definitions for portals, rendered once per Leistung configuration and cached with a strong ETag. */
@Injectable()
export class FormsService {
  private readonly cache = new Map<string, RenderedForm>();

  constructor(
    private readonly leistungen: LeistungenService,
    private readonly fim: FimRuntime,
  ) {}

  async listOffered(tenant: string): Promise<PublicLeistungDto[]> {
    return (await this.leistungen.listOffered(tenant)).map(publicLeistung);
  }

  async form(tenant: string, leikaKey: string): Promise<RenderedForm> {
    const l = await this.leistungen.offered(tenant, leikaKey);
    const key = `${tenant}/${leikaKey}@${l.updatedAt.getTime()}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const validator = await this.fim.validator(l.schemaId, l.schemaVersion);
    const ui = validator.formDefinition();
    const def: FormDefinitionDto = {
      leistung: publicLeistung(l),
      jsonSchema: validator.jsonSchema(),
      uiSchema: { de: validator.uiSchema('de'), en: validator.uiSchema('en') },
      ui: ui,
      attachments: {
        ...toLeistungDto(l).attachments,
        fields: attachmentFields(ui.children),
      },
    };
    const body = JSON.stringify(def);
    const rendered = { body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
    if (this.cache.size >= 500) this.cache.clear();
    this.cache.set(key, rendered);
    return rendered;
  }
}

/** Does an If-None-Match header match the ETag (weak comparison, `*` included)? */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}
