import { type EventPayload, submissionReadyV1 } from '@amtsbote/contracts';
import type { EventDraft } from '@amtsbote/messaging';
import { FileLinks } from '@amtsbote/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canTransition, confirmsReceipt, isTerminal, type SubmissionStatus } from './state-machine';
import {
  type HistoryEntry,
  type StatusChange,
  SubmissionStatusRepository,
} from './submission-status.repository';
import type { PaymentInformation, StatusReason, Submission } from './submissions.entity';

export interface Transition {
  submissionId: string;
  to: SubmissionStatus;
  at: Date;
  reason?: StatusReason;
  /** Settled payment, carried into `submission.ready`. */
  payment?: PaymentInformation;
  /** Event that caused it, for the logs. */
  cause: string;
}

/**
 * The state machine of a submission, driven by payment and routing events. Every change is one history
 * entry; reaching READY also emits `submission.ready` with everything routing needs, in the same
 * transaction. The other steps are told by the event that caused them (payment's, routing's): intake does
 * not echo them. Transitions that are not allowed are ignored.
 */
@Injectable()
export class SubmissionStatusService {
  private readonly logger = new Logger(SubmissionStatusService.name);

  constructor(
    private readonly submissions: SubmissionStatusRepository,
    private readonly links: FileLinks,
  ) {}

  /**
   * Applies transitions in their order inside the consumer's transaction: the submissions are read (locked)
   * once, and their new state, history and `submission.ready` events written in one statement.
   */
  async applyAll(manager: EntityManager, transitions: readonly Transition[]): Promise<void> {
    const current = await this.submissions.lockAll(manager, [
      ...new Set(transitions.map((t) => t.submissionId)),
    ]);
    const changes = new Map<string, StatusChange>();
    const history: HistoryEntry[] = [];
    // In order; each waits for its attachments (read below, for all at once).
    const ready: Submission[] = [];
    for (const t of transitions) {
      const s = current.get(t.submissionId);
      if (!s) {
        this.logger.warn(
          { submissionId: t.submissionId, cause: t.cause },
          'event for an unknown submission ignored',
        );
        continue;
      }
      if (!canTransition(s.status, t.to)) {
        this.logger.log(
          { submissionId: s.id, from: s.status, to: t.to, cause: t.cause },
          'transition not allowed, ignored',
        );
        continue;
      }
      const before = changes.get(s.id);
      const payment = t.payment ?? s.payment;
      changes.set(s.id, {
        id: s.id,
        status: t.to,
        at: t.at,
        confirmedAt: before?.confirmedAt ?? (confirmsReceipt(t.to) ? t.at : null),
        endedAt: isTerminal(t.to) ? t.at : null,
        payment: t.payment ?? before?.payment ?? null,
      });
      history.push({
        submissionId: s.id,
        status: t.to,
        previousStatus: s.status,
        at: t.at,
        reason: t.reason,
      });
      const next: Submission = { ...s, status: t.to, payment };
      current.set(s.id, next);
      if (t.to === 'READY') {
        if (s.data === null) throw new Error(`submission ${s.id} has no data to hand over`);
        ready.push(next);
      }
    }
    const attachments = await this.submissions.attachmentsOf(
      manager,
      ready.map((s) => s.id),
    );
    const drafts: Array<EventDraft<typeof submissionReadyV1>> = [];
    for (const s of ready) drafts.push(await this.ready(s, attachments.get(s.id) ?? []));
    await this.submissions.record(manager, [...changes.values()], history, drafts);
  }

  /** `submission.ready`: everything routing needs, with short-lived download links of the attachments. */
  private async ready(
    s: Submission,
    attachments: ReadonlyArray<{
      id: string;
      storageKey: string;
      filename: string | null;
      mediaType: string;
      size: number;
      sha512: string;
    }>,
  ): Promise<EventDraft<typeof submissionReadyV1>> {
    const files = [];
    for (const a of attachments) {
      const filename = a.filename ?? a.id;
      const signed = await this.links.link({
        id: a.id,
        key: a.storageKey,
        filename,
        mediaType: a.mediaType,
      });
      files.push({
        fileId: a.id,
        filename,
        mediaType: a.mediaType,
        size: a.size,
        sha512: a.sha512,
        url: signed.url,
        urlExpiresAt: signed.expiresAt.toISOString(),
      });
    }
    const data: EventPayload<typeof submissionReadyV1> = {
      submissionId: s.id,
      vorgangsnummer: s.vorgangsnummer,
      tenant: s.tenant,
      leikaKey: s.leikaKey,
      leistungName: s.leistungName,
      ars: s.ars,
      applicant: {
        ownerKey: s.ownerKey,
        kind: s.applicantKind,
        ...(s.actedByKey !== null ? { actedByKey: s.actedByKey } : {}),
        trustLevel: s.trustLevel,
      },
      submittedAt: s.submittedAt.toISOString(),
      fimSchema: { id: s.schemaId, version: s.schemaVersion },
      data: s.data!,
      attachments: files,
      ...(s.payment ? { payment: s.payment } : {}),
      ...(s.digitalBescheidConsent === null ? {} : { digitalBescheidConsent: s.digitalBescheidConsent }),
      ...(s.idBundDe === null ? {} : { idBundDe: s.idBundDe }),
    };
    return { contract: submissionReadyV1, subject: s.id, tenant: s.tenant, data };
  }
}
