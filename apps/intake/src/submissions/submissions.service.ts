import { randomUUID } from 'node:crypto';
import { submissionStatusChangedV1, submissionSubmittedV1 } from '@amtsbote/contracts';
import { OutboxWriter } from '@amtsbote/messaging';
import { type FieldProblem, principalKey, ProblemException } from '@amtsbote/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachmentRecord } from '../attachments/attachments.entity';
import { AccessService, type Caller } from '../common/access.service';
import { canonicalJson, sha256Hex, sha512Hex } from '../common/canonical-json';
import { newSecretToken, tokenSha256 } from '../common/secrets';
import { DraftsRepository } from '../drafts/drafts.repository';
import { DraftsService, regionProblem } from '../drafts/drafts.service';
import { FimRuntime } from '../fim-schemas/fim-runtime.service';
import { fimProblem } from '../fim-schemas/fim-problems';
import { regionOffered } from '../leistungen/leistungen.entity';
import { findAttachmentRefs } from './attachment-refs';
import type { CreateSubmissionDto, SubmissionAcceptedDto, SubmissionDto } from './submissions.dto';
import type { Receipt, Submission } from './submissions.entity';
import { type StoredAnswer, SubmissionsRepository } from './submissions.repository';
import { formatVorgangsnummer, germanYear } from './vorgangsnummer';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,255}$/;
export const SUBMISSION = { de: 'Der Antrag', en: 'The submission' };

export interface SubmitResult {
  status: number;
  body: SubmissionAcceptedDto;
  replayed: boolean;
}

/** The stored answer again, if the request is the same; the key was used for another request otherwise. */
function replayOf(stored: StoredAnswer, requestSha256: string): SubmitResult {
  if (stored.requestSha256 !== requestSha256) throw keyReused();
  return { status: stored.status, body: stored.body as SubmissionAcceptedDto, replayed: true };
}

/** Thrown inside the transaction when a concurrent identical request won the key: roll back and replay. */
class KeyTaken extends Error {}

function keyReused(): ProblemException {
  return ProblemException.unprocessable(
    'idempotency-key-reused',
    { de: 'Idempotency-Key schon verwendet', en: 'Idempotency-Key already used' },
    [
      {
        path: '/headers/idempotency-key',
        code: 'idempotency-key-reused',
        message: {
          de: 'Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet. Nehmen Sie für einen neuen Antrag einen neuen Schlüssel.',
          en: 'This Idempotency-Key was already used for a different request. Use a new key for a new submission.',
        },
      },
    ],
  );
}

@Injectable()
export class SubmissionsService {
  private readonly logger = new Logger(SubmissionsService.name);

  constructor(
    private readonly submissions: SubmissionsRepository,
    private readonly fim: FimRuntime,
    private readonly access: AccessService,
    private readonly drafts: DraftsService,
    private readonly draftsRepository: DraftsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Accepts a submission: eligibility (Leistung offered, trust level, region), FIM validation of all data at
   * once, attachments (exist, belong to the applicant, within limits); then, in one transaction, the
   * submission, its first timeline entry, the bound attachments, the stored idempotent answer and the
   * outbox events. The same Idempotency-Key with the same body gives the same answer, even concurrently.
   */
  async submit(
    caller: Caller,
    idempotencyKey: string | undefined,
    dto: CreateSubmissionDto,
  ): Promise<SubmitResult> {
    if (idempotencyKey === undefined || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw ProblemException.badRequest(
        'idempotency-key-required',
        { de: 'Idempotency-Key fehlt oder ist ungültig', en: 'Idempotency-Key missing or invalid' },
        [
          {
            path: '/headers/idempotency-key',
            code: idempotencyKey === undefined ? 'required' : 'pattern',
            message: {
              de: 'Senden Sie einen Header Idempotency-Key mit einer zufälligen UUID.',
              en: 'Send an Idempotency-Key header with a random UUID.',
            },
          },
        ],
      );
    }
    const scope = caller.principal ? principalKey(caller.principal) : 'anonymous';
    const requestSha256 = sha256Hex(canonicalJson({ body: dto, actFor: caller.actFor ?? null }));
    const context = await this.submissions.context(scope, idempotencyKey, dto.tenant, dto.leikaKey);
    if (context.replay) return replayOf(context.replay, requestSha256);
    const leistung = context.leistung;
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

    // Attachment references get the stored metadata, so the FIM checks of media type and size apply to the
    // real file, not to what the client claims.
    const validator = await this.fim.validator(leistung.schemaId, leistung.schemaVersion);
    const data = structuredClone(dto.data);
    const refs = findAttachmentRefs(validator.plan.children, data);
    const referencedIds = [
      ...new Set(refs.map((r) => r.value.attachmentId).filter((id): id is string => typeof id === 'string')),
    ];
    const usable = new Map<string, AttachmentRecord>(
      (
        await this.submissions.usableAttachments(
          referencedIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id)),
          { tenant: leistung.tenant, leikaKey: leistung.leikaKey, ownerKey: acting.ownerKey, draftId },
        )
      ).map((a) => [a.id, a]),
    );
    const problems: FieldProblem[] = [];
    const missing: string[] = [];
    for (const ref of refs) {
      const id = ref.value.attachmentId;
      if (typeof id !== 'string') continue; // the FIM validator reports the malformed reference
      const a = usable.get(id);
      if (!a) {
        missing.push(`/data${ref.pointer}/`);
        problems.push({
          path: `/data${ref.pointer}/attachmentId`,
          code: 'attachment-not-found',
          message: {
            de: 'Diese Anlage gibt es nicht (mehr) unter Ihren hochgeladenen Anlagen.',
            en: 'This attachment is not (or no longer) among your uploads.',
          },
        });
        continue;
      }
      for (const k of Object.keys(ref.value)) if (k !== 'attachmentId') delete ref.value[k];
      Object.assign(ref.value, { filename: a.filename ?? a.id, mediaType: a.mediaType, size: a.size });
    }
    const result = validator.validate(data);
    // A reference to an unknown attachment is reported once, not also for the metadata it could not get.
    const fimProblems = result.errors
      .map((e) => fimProblem(e))
      .filter((p) => !missing.some((prefix) => p.path.startsWith(prefix)));
    problems.unshift(...fimProblems);
    const bound = [...usable.values()];
    if (bound.length > leistung.attachmentMaxCount) {
      problems.push({
        path: '/data',
        code: 'attachment-limit',
        message: {
          de: `Höchstens ${leistung.attachmentMaxCount} Anlagen sind erlaubt.`,
          en: `At most ${leistung.attachmentMaxCount} attachments are allowed.`,
        },
      });
    }
    if (bound.reduce((sum, a) => sum + a.size, 0) > leistung.attachmentMaxTotalBytes) {
      problems.push({
        path: '/data',
        code: 'attachment-limit',
        message: {
          de: `Alle Anlagen zusammen dürfen höchstens ${leistung.attachmentMaxTotalBytes} Bytes groß sein.`,
          en: `All attachments together may have at most ${leistung.attachmentMaxTotalBytes} bytes.`,
        },
      });
    }
    if (problems.length > 0) {
      throw new ProblemException({
        status: 422,
        code: 'fim-validation-failed',
        title: { de: 'Die Angaben sind nicht gültig', en: 'The data is not valid' },
        detail: {
          de: `${problems.length} Angabe(n) entsprechen nicht dem FIM-Schema ${leistung.schemaId} ${leistung.schemaVersion}.`,
          en: `${problems.length} value(s) do not match the FIM schema ${leistung.schemaId} ${leistung.schemaVersion}.`,
        },
        errors: problems,
        extensions: result.truncated ? { truncated: true } : undefined,
      });
    }

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
    const applicant = {
      ownerKey: acting.ownerKey,
      kind: acting.kind,
      ...(acting.actedByKey !== undefined ? { actedByKey: acting.actedByKey } : {}),
      trustLevel: acting.trustLevel,
    };

    const ref = { submissionId: id, vorgangsnummer, tenant: leistung.tenant };
    const events = this.outbox.prepare([
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
      {
        contract: submissionStatusChangedV1,
        subject: id,
        tenant: leistung.tenant,
        data: {
          ...ref,
          leikaKey: leistung.leikaKey,
          ownerKey: acting.ownerKey,
          status: 'SUBMITTED',
          previousStatus: null,
          at: receipt.submittedAt,
        },
      },
    ]);
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
      return replayOf(stored, requestSha256);
    }
    await this.drafts.removeFiles(leftovers);
    return { status: 201, body, replayed: false };
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
