import { randomUUID } from 'node:crypto';
import { FILE_STORE, type FieldProblem, type FileStore, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AttachmentDto } from '../attachments/attachments.dto';
import type { AttachmentRecord } from '../attachments/attachments.entity';
import { toAttachmentDto } from '../attachments/attachments.mapper';
import { AccessService, type Caller } from '../common/access.service';
import { newSecretToken, tokenSha256 } from '../common/secrets';
import { FimRuntime } from '../fim-schemas/fim-runtime.service';
import { fimProblem } from '../fim-schemas/fim-problems';
import { type Leistung, regionOffered } from '../leistungen/leistungen.entity';
import { LeistungenService } from '../leistungen/leistungen.service';
import type { CreateDraftDto, DraftDto, UpdateDraftDto } from './drafts.dto';
import { AnonymousQuotas } from './anonymous-quotas.service';
import type { Draft } from './drafts.entity';
import { DraftsRepository } from './drafts.repository';

export const DRAFT = { de: 'Der Entwurf', en: 'The draft' };

@Injectable()
export class DraftsService {
  private readonly logger = new Logger(DraftsService.name);

  constructor(
    private readonly drafts: DraftsRepository,
    private readonly leistungen: LeistungenService,
    private readonly fim: FimRuntime,
    private readonly access: AccessService,
    private readonly quotas: AnonymousQuotas,
    @Inject(FILE_STORE) private readonly store: FileStore,
  ) {}

  async create(caller: Caller, dto: CreateDraftDto): Promise<DraftDto> {
    const leistung = await this.leistungen.offered(dto.tenant, dto.leikaKey);
    const acting = await this.access.actingAs(caller, leistung.leikaKey);
    this.access.assertTrustLevel(caller, leistung);
    let accessToken: string | undefined;
    if (acting.ownerKey === null) {
      if (!leistung.anonymousAllowed) {
        throw ProblemException.unauthorized({
          de: 'Für diese Leistung ist eine Anmeldung erforderlich.',
          en: 'This Leistung requires you to log in.',
        });
      }
      await this.quotas.admitDraft(caller, leistung);
      accessToken = newSecretToken();
    }
    const draft = await this.drafts.insert({
      id: randomUUID(),
      tenant: leistung.tenant,
      leikaKey: leistung.leikaKey,
      ownerKey: acting.ownerKey,
      actedByKey: acting.actedByKey ?? null,
      accessTokenSha256: accessToken === undefined ? null : tokenSha256(accessToken),
      ars: dto.ars ?? null,
      digitalBescheidConsent: dto.digitalBescheidConsent ?? null,
      data: dto.data ?? {},
      expiresAt: this.expiry(leistung),
    });
    const view = await this.view(draft, leistung);
    return accessToken === undefined ? view : { ...view, accessToken };
  }

  /** The caller's live draft, or 404 (also for other people's drafts). */
  async accessible(caller: Caller, draftId: string): Promise<Draft> {
    const draft = (await this.drafts.findLive(draftId)) ?? undefined;
    await this.access.assertAccess(
      caller,
      draft && { ownerKey: draft.ownerKey, tokenSha256: draft.accessTokenSha256, leikaKey: draft.leikaKey },
      DRAFT,
    );
    return draft!;
  }

  async get(caller: Caller, draftId: string): Promise<DraftDto> {
    const draft = await this.accessible(caller, draftId);
    return this.view(draft, await this.leistungen.get(draft.tenant, draft.leikaKey));
  }

  async list(caller: Caller): Promise<DraftDto[]> {
    const scope = await this.access.listScope(caller);
    if (scope === undefined) return [];
    const drafts = await this.drafts.listLive(scope);
    const out: DraftDto[] = [];
    for (const d of drafts) out.push(await this.view(d, await this.leistungen.get(d.tenant, d.leikaKey)));
    return out;
  }

  async update(caller: Caller, draftId: string, dto: UpdateDraftDto): Promise<DraftDto> {
    const draft = await this.accessible(caller, draftId);
    const leistung = await this.leistungen.offered(draft.tenant, draft.leikaKey);
    this.access.assertTrustLevel(caller, leistung);
    await this.drafts.update(draft.id, {
      data: dto.data,
      ars: dto.ars ?? draft.ars,
      digitalBescheidConsent: dto.digitalBescheidConsent ?? draft.digitalBescheidConsent,
      expiresAt: this.expiry(leistung),
    });
    const updated = await this.drafts.findLive(draft.id);
    if (!updated) throw ProblemException.notFound(DRAFT);
    return this.view(updated, leistung);
  }

  attachmentsOfDraft(draftId: string): Promise<AttachmentRecord[]> {
    return this.drafts.attachmentsOf(draftId);
  }

  async delete(caller: Caller, draftId: string): Promise<void> {
    const draft = await this.accessible(caller, draftId);
    const keys = await this.drafts.transaction((m) => this.drafts.deleteWithAttachments(m, [draft.id]));
    await this.removeFiles(keys);
  }

  /** Best effort; the files of rows that are gone are unreachable anyway. */
  async removeFiles(keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.store.delete(key).catch((err: unknown) => {
        this.logger.warn({ err: String(err) }, 'could not delete an attachment file');
      });
    }
  }

  private expiry(leistung: Leistung): Date {
    return new Date(Date.now() + leistung.draftLifetimeSeconds * 1000);
  }

  private async view(draft: Draft, leistung: Leistung): Promise<DraftDto> {
    const validator = await this.fim.validator(leistung.schemaId, leistung.schemaVersion);
    const fieldErrors: FieldProblem[] = validator
      .validate(draft.data, { lenient: true })
      .errors.map((e) => fimProblem(e));
    if (draft.ars !== null && !regionOffered(leistung.regions, draft.ars))
      fieldErrors.push(regionProblem(draft.ars));
    const attachments: AttachmentDto[] = (await this.drafts.attachmentsOf(draft.id)).map(toAttachmentDto);
    return {
      draftId: draft.id,
      tenant: draft.tenant,
      leikaKey: draft.leikaKey,
      ars: draft.ars,
      data: draft.data,
      digitalBescheidConsent: draft.digitalBescheidConsent,
      fieldErrors,
      attachments,
      createdAt: draft.createdAt,
      updatedAt: draft.updatedAt,
      expiresAt: draft.expiresAt,
    };
  }
}

export function regionProblem(ars: string): FieldProblem {
  return {
    path: '/ars',
    code: 'region-not-offered',
    message: {
      de: `Diese Leistung wird für die Region ${ars} hier nicht angeboten.`,
      en: `This Leistung is not offered here for the region ${ars}.`,
    },
  };
}
