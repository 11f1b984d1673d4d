import { submissionReadyV1, submissionStatusChangedV1 } from '@amtsbote/contracts';
import { OutboxWriter } from '@amtsbote/messaging';
import { FileLinks } from '@amtsbote/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canTransition, confirmsReceipt, isTerminal, type SubmissionStatus } from './state-machine';
import type { PaymentInformation, StatusReason } from './submissions.entity';
import { SubmissionsRepository } from './submissions.repository';

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
 * The state machine of a submission, driven by payment and routing events. Every change is one timeline
 * entry and one `submission.status-changed` event in the same transaction; reaching READY also emits
 * `submission.ready` with everything routing needs. Transitions that are not allowed are ignored.
 */
@Injectable()
export class SubmissionStatusService {
  private readonly logger = new Logger(SubmissionStatusService.name);

  constructor(
    private readonly submissions: SubmissionsRepository,
    private readonly outbox: OutboxWriter,
    private readonly links: FileLinks,
  ) {}

  /** Applies a transition inside the consumer's transaction; returns whether the state changed. */
  async apply(manager: EntityManager, t: Transition): Promise<boolean> {
    const s = await this.submissions.find(t.submissionId, manager, true);
    if (!s) {
      this.logger.warn(
        { submissionId: t.submissionId, cause: t.cause },
        'event for an unknown submission ignored',
      );
      return false;
    }
    if (!canTransition(s.status, t.to)) {
      this.logger.log(
        { submissionId: s.id, from: s.status, to: t.to, cause: t.cause },
        'transition not allowed, ignored',
      );
      return false;
    }
    await this.submissions.changeStatus(manager, {
      id: s.id,
      from: s.status,
      to: t.to,
      at: t.at,
      reason: t.reason,
      confirmsReceipt: confirmsReceipt(t.to),
      ends: isTerminal(t.to),
      payment: t.payment,
    });
    const ref = { submissionId: s.id, vorgangsnummer: s.vorgangsnummer, tenant: s.tenant };
    await this.outbox.add(manager, {
      contract: submissionStatusChangedV1,
      subject: s.id,
      tenant: s.tenant,
      data: {
        ...ref,
        leikaKey: s.leikaKey,
        ownerKey: s.ownerKey,
        status: t.to,
        previousStatus: s.status,
        at: t.at.toISOString(),
        ...(t.reason ? { reason: t.reason } : {}),
      },
    });
    if (t.to === 'READY') {
      if (s.data === null) throw new Error(`submission ${s.id} has no data to hand over`);
      const attachments = [];
      for (const a of await this.submissions.attachmentsOf(s.id, manager)) {
        const filename = a.filename ?? a.id;
        const signed = await this.links.link({
          id: a.id,
          key: a.storageKey,
          filename,
          mediaType: a.mediaType,
        });
        attachments.push({
          fileId: a.id,
          filename,
          mediaType: a.mediaType,
          size: a.size,
          sha512: a.sha512,
          url: signed.url,
          urlExpiresAt: signed.expiresAt.toISOString(),
        });
      }
      const payment = t.payment ?? s.payment ?? undefined;
      await this.outbox.add(manager, {
        contract: submissionReadyV1,
        subject: s.id,
        tenant: s.tenant,
        data: {
          ...ref,
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
          data: s.data,
          attachments,
          ...(payment ? { payment } : {}),
        },
      });
    }
    return true;
  }
}
