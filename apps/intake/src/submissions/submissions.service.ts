import { randomUUID } from 'node:crypto';
import { submissionSubmittedV1 } from '@amtsbote/contracts';
import { OutboxWriter, type PreparedEvents } from '@amtsbote/messaging';
import { principalKey, ProblemException } from '@amtsbote/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachmentRecord } from '../attachments/attachments.entity';
import { AccessService, type ActingAs, type Caller } from '../common/access.service';
import { canonicalJson, sha256Hex, sha512Hex } from '../common/canonical-json';
import { newSecretToken, tokenSha256 } from '../common/secrets';
import { DraftsRepository } from '../drafts/drafts.repository';
import { DraftsService, regionProblem } from '../drafts/drafts.service';
import { type Leistung, regionOffered } from '../leistungen/leistungen.entity';
import type { CreateSubmissionDto, SubmissionAcceptedDto, SubmissionDto } from './submissions.dto';
import type { IdBundDeReferences, Receipt, Submission } from './submissions.entity';
import { checkedIdempotencyKey, KeyTaken, replayOf, type SubmitResult } from './idempotency';
import { SubmissionData } from './submission-data.service';
import { idBundDeReferences } from './id-bund-de';
import { SubmissionsRepository } from './submissions.repository';
import { formatVorgangsnummer, germanYear } from './vorgangsnummer';

export const SUBMISSION = { de: 'Der Antrag', en: 'The submission' };

/** The accepted submission before it is stored: its ids, receipt and the answer to the applicant. */
type Accepted = Awaited<ReturnType<SubmissionsService['numberAndReceipt']>>;

@Injectable()
export class SubmissionsService {
  private readonly logger = new Logger(SubmissionsService.name);

  constructor(
    private readonly submissions: SubmissionsRepository,
    private readonly data: SubmissionData,
    private readonly access: AccessService,
    private readonly drafts: DraftsService,
    private readonly draftsRepository: DraftsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Accepts a submission: eligibility (Leistung offered, trust level, region, draft), attachments (exist,
   * belong to the applicant, within limits) and FIM validation of all data at once; then its Vorgangsnummer
   * and receipt, and in one transaction the submission, its first timeline entry, the bound attachments, the
   * stored idempotent answer and the outbox events. The same Idempotency-Key with the same body gives the
   * same answer, even concurrently.
   */
  async submit(
    caller: Caller,
    idempotencyKey: string | undefined,
    dto: CreateSubmissionDto,
  ): Promise<SubmitResult> {
    const key = checkedIdempotencyKey(idempotencyKey);
    const scope = caller.principal ? principalKey(caller.principal) : 'anonymous';
    const requestSha256 = sha256Hex(canonicalJson({ body: dto, actFor: caller.actFor ?? null }));
    const context = await this.submissions.context(scope, key, dto.tenant, dto.leikaKey);
    if (context.replay) return replayOf(context.replay, requestSha256);
    const { leistung, acting, draftId } = await this.eligibility(caller, context.leistung, dto);
    const { data, bound } = await this.data.validated(leistung, acting, draftId, dto);
    const accepted = await this.numberAndReceipt(leistung, acting, data);
    const events = this.events(accepted, leistung, acting, dto);
    const stored = await this.store({ scope, key, requestSha256 }, accepted, leistung, acting, dto, {
      data,
      bound,
      draftId,
      events,
      idBundDe: idBundDeReferences(caller.principal, acting),
    });
    if (stored.replay) return stored.replay;
    await this.drafts.removeFiles(stored.leftovers);
    return { status: 201, body: accepted.body, replayed: false };
  }

  /** Who acts, and whether they may submit this Leistung here: active, logged in, trust level, region, draft. */
  private async eligibility(
    caller: Caller,
    found: Leistung | undefined,
    dto: CreateSubmissionDto,
  ): Promise<{ leistung: Leistung; acting: ActingAs; draftId: string | undefined }> {
    const leistung = found;
    if (!leistung || !leistung.active)
      throw ProblemException.notFound({ de: 'Die Leistung', en: 'The Leistung' });
    const acting = await this.access.actingAs(caller, leistung.leikaKey);
    if (acting.ownerKey === null && !leistung.anonymousAllowed) {
      throw ProblemException.unauthorized({
        de: 'Für diese Leistung ist eine Anmeldung erforderlich.',
        en: 'This Leistung requires you to log in.',
      });
    }
    this.access.assertTrustLevel(caller, leistung);
    if (!regionOffered(leistung.regions, dto.ars)) {
      throw ProblemException.unprocessable(
        'region-not-offered',
        { de: 'Leistung in dieser Region nicht angeboten', en: 'Leistung not offered in this region' },
        [regionProblem(dto.ars)],
      );
    }
    let draftId: string | undefined;
    if (dto.draftId !== undefined) {
      const draft = await this.drafts.accessible(caller, dto.draftId);
      if (
        draft.tenant !== leistung.tenant ||
        draft.leikaKey !== leistung.leikaKey ||
        draft.ownerKey !== acting.ownerKey
      ) {
        throw ProblemException.notFound({ de: 'Der Entwurf', en: 'The draft' });
      }
      draftId = draft.id;
    }
    return { leistung, acting, draftId };
  }

  /** The Vorgangsnummer and the receipt: the answer the applicant gets (and keeps). */
  private async numberAndReceipt(leistung: Leistung, acting: ActingAs, data: Record<string, unknown>) {
    const submittedAt = new Date();
    const year = germanYear(submittedAt);
    const vorgangsnummer = formatVorgangsnummer(
      leistung.tenant,
      year,
      await this.submissions.nextNumber(leistung.tenant, year),
    );
    const id = randomUUID();
    const dataSha512 = sha512Hex(canonicalJson(data));
    const receipt: Receipt = {
      vorgangsnummer,
      submittedAt: submittedAt.toISOString(),
      tenant: leistung.tenant,
      leistung: { leikaKey: leistung.leikaKey, name: leistung.nameDe },
      fimSchema: { id: leistung.schemaId, version: leistung.schemaVersion },
      dataSha512,
      hashAlgorithm: 'SHA-512',
      canonicalization: 'RFC 8785',
    };
    const receiptToken = acting.ownerKey === null ? newSecretToken() : undefined;
    const body: SubmissionAcceptedDto = { submissionId: id, vorgangsnummer, status: 'SUBMITTED', receipt };
    if (receiptToken !== undefined) body.receiptToken = receiptToken;
    return { id, vorgangsnummer, submittedAt, dataSha512, receipt, receiptToken, body };
  }

  /** `submission.submitted` (it also tells the first status), prepared for the one-statement insert. */
  private events(
    accepted: Accepted,
    leistung: Leistung,
    acting: ActingAs,
    dto: CreateSubmissionDto,
  ): PreparedEvents {
    const { id, vorgangsnummer, receipt, dataSha512 } = accepted;
    const applicant = {
      ownerKey: acting.ownerKey,
      kind: acting.kind,
      ...(acting.actedByKey !== undefined ? { actedByKey: acting.actedByKey } : {}),
      trustLevel: acting.trustLevel,
    };
    const ref = { submissionId: id, vorgangsnummer, tenant: leistung.tenant };
    return this.outbox.prepare([
      {
        contract: submissionSubmittedV1,
        subject: id,
        tenant: leistung.tenant,
        data: {
          ...ref,
          leikaKey: leistung.leikaKey,
          leistungName: leistung.nameDe,
          ars: dto.ars,
          applicant,
          submittedAt: receipt.submittedAt,
          dataSha512,
        },
      },
    ]);
  }

  /**
   * Stores it all at once: the claimed Idempotency-Key and its answer, the submission, the bound attachments,
   * the events; the draft goes. A concurrent identical request that won the key is replayed instead.
   */
  private async store(
    request: { scope: string; key: string; requestSha256: string },
    accepted: Accepted,
    leistung: Leistung,
    acting: ActingAs,
    dto: CreateSubmissionDto,
    w: {
      data: Record<string, unknown>;
      bound: AttachmentRecord[];
      draftId: string | undefined;
      events: PreparedEvents;
      idBundDe: IdBundDeReferences | null;
    },
  ): Promise<{ leftovers: string[]; replay?: SubmitResult }> {
    const { scope, key: idempotencyKey, requestSha256 } = request;
    const { id, vorgangsnummer, dataSha512, receipt, receiptToken, submittedAt, body } = accepted;
    const { data, bound, draftId, events } = w;
    const ids = bound.map((a) => a.id);
    const store = async (manager: EntityManager): Promise<string[]> => {
      const stored = await this.submissions.claimAndInsert(
        manager,
        { scope, key: idempotencyKey, requestSha256, status: 201, body },
        {
          id,
          tenant: leistung.tenant,
          leikaKey: leistung.leikaKey,
          leistungName: leistung.nameDe,
          vorgangsnummer,
          ars: dto.ars,
          ownerKey: acting.ownerKey,
          actedByKey: acting.actedByKey ?? null,
          applicantKind: acting.kind,
          trustLevel: acting.trustLevel,
          schemaId: leistung.schemaId,
          schemaVersion: leistung.schemaVersion,
          data,
          dataSha512,
          receipt,
          receiptTokenSha256: receiptToken === undefined ? null : tokenSha256(receiptToken),
          submittedAt,
          digitalBescheidConsent: dto.digitalBescheidConsent ?? null,
          idBundDe: w.idBundDe,
        },
        ids,
        { prepared: events, writer: this.outbox },
      );
      if (!stored.claimed) throw new KeyTaken();
      if (stored.bound !== ids.length) {
        throw ProblemException.conflict(
          'attachments-changed',
          { de: 'Anlagen haben sich geändert', en: 'Attachments changed' },
          {
            de: 'Eine Anlage wurde währenddessen gelöscht oder verwendet. Bitte prüfen Sie den Entwurf und senden Sie erneut.',
            en: 'An attachment was deleted or used meanwhile. Please check the draft and submit again.',
          },
        );
      }
      return draftId === undefined ? [] : this.draftsRepository.deleteWithAttachments(manager, [draftId]);
    };

    let leftovers: string[] = [];
    try {
      // Without attachments and draft the submission is one statement, atomic by itself: no transaction
      // round trips. Otherwise a lost attachment or the draft's removal needs the transaction around it.
      leftovers =
        ids.length === 0 && draftId === undefined
          ? await store(this.submissions.manager)
          : await this.submissions.transaction(store);
      this.outbox.written();
    } catch (err) {
      if (!(err instanceof KeyTaken)) throw err;
      const stored = await this.submissions.storedAnswer(scope, idempotencyKey);
      if (!stored) throw err;
      return { leftovers: [], replay: replayOf(stored, requestSha256) };
    }
    return { leftovers };
  }

  /** A submission the caller may see: owner, representative (mandate) or the receipt token's holder. */
  async accessible(caller: Caller, submissionId: string): Promise<Submission> {
    const s = (await this.submissions.find(submissionId)) ?? undefined;
    await this.access.assertAccess(
      caller,
      s && { ownerKey: s.ownerKey, tokenSha256: s.receiptTokenSha256, leikaKey: s.leikaKey },
      SUBMISSION,
    );
    return s!;
  }

  async get(caller: Caller, submissionId: string): Promise<SubmissionDto> {
    return this.view(await this.accessible(caller, submissionId));
  }

  async list(caller: Caller): Promise<SubmissionDto[]> {
    const scope = await this.access.listScope(caller);
    if (scope === undefined) return [];
    const out: SubmissionDto[] = [];
    for (const s of await this.submissions.listOwned(scope, 100)) out.push(await this.view(s));
    return out;
  }

  private async view(s: Submission): Promise<SubmissionDto> {
    const timeline = await this.submissions.timeline(s.id);
    return {
      submissionId: s.id,
      vorgangsnummer: s.vorgangsnummer,
      tenant: s.tenant,
      leikaKey: s.leikaKey,
      leistungName: s.leistungName,
      ars: s.ars,
      status: s.status,
      statusChangedAt: s.statusChangedAt,
      submittedAt: s.submittedAt,
      receipt: s.receipt,
      purged: s.purgedAt !== null,
      timeline: timeline.map((t) => ({
        status: t.status,
        previousStatus: t.previousStatus,
        at: t.at,
        ...(t.reason ? { reason: t.reason } : {}),
      })),
    };
  }
}
