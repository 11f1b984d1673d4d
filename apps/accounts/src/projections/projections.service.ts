import { randomUUID } from 'node:crypto';
import {
  type EventContract,
  type EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentRequestedV1,
  paymentSettledV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingStatusV1,
  submissionReadyV1,
  submissionStatusChangedV1,
  submissionSubmittedV1,
} from '@amtsbote/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationsService } from '../notifications/notifications.service';
import { PostkorbRepository } from '../postkorb/postkorb.repository';
import {
  deliveredNotice,
  type Notice,
  paymentExpiredNotice,
  paymentFailedNotice,
  paymentRequestedNotice,
  paymentSettledNotice,
  readyNotice,
  replyNotice,
  routingFailedNotice,
  routingStatusNotice,
  statusChangedNotice,
  type SubmissionContext,
  submittedNotice,
} from './notices';
import { type SubmissionFacts, ProjectionsRepository, type SubmissionRecord } from './projections.repository';

/** The events accounts turns into the Postkorb, by CloudEvents type. */
export const PROJECTED_CONTRACTS: readonly EventContract[] = [
  submissionSubmittedV1,
  submissionReadyV1,
  submissionStatusChangedV1,
  paymentRequestedV1,
  paymentSettledV1,
  paymentFailedV1,
  paymentExpiredV1,
  routingDeliveredV1,
  routingStatusV1,
  routingReplyV1,
  routingFailedV1,
];
const BY_TYPE = new Map(PROJECTED_CONTRACTS.map((c) => [c.type, c]));

export interface IncomingEvent {
  id: string;
  type: string;
  /** CloudEvents `time`: when the producer wrote the event. */
  time: string;
  data: unknown;
}

type Payload<C extends EventContract> = EventPayload<C>;

function isType<C extends EventContract>(
  contract: C,
  event: { type: string; data: unknown },
): event is { type: string; data: Payload<C> } {
  return event.type === contract.type;
}

/**
 * Turns submission, payment and routing events into the owner's timeline and Postkorb. Events of anonymous
 * submissions and of erased accounts go nowhere; events that arrive before accounts knows the submission's
 * owner wait (parked) until it does. Idempotent per event id on its own, besides the inbox.
 */
@Injectable()
export class ProjectionsService {
  private readonly logger = new Logger('Projections');

  constructor(
    private readonly projections: ProjectionsRepository,
    private readonly postkorb: PostkorbRepository,
    private readonly notifications: NotificationsService,
  ) {}

  async handle(manager: EntityManager, event: IncomingEvent): Promise<void> {
    const submissionId = (event.data as { submissionId: string }).submissionId;
    await this.projections.lockSubmission(manager, submissionId);
    const facts = this.factsOf(event);
    const learnt = facts ? await this.projections.learn(manager, facts) : false;
    const submission = await this.projections.find(manager, submissionId);
    if (!submission) {
      await this.projections.park(manager, submissionId, {
        eventId: event.id,
        type: event.type,
        time: event.time,
        data: event.data,
      });
      return;
    }
    const parked = learnt ? await this.projections.takeParked(manager, submissionId) : [];
    if (submission.ownerKey === null || submission.anonymous || submission.erasedAt) return;
    let current = await this.apply(manager, submission, event);
    for (const p of parked) {
      current = await this.apply(manager, current, {
        id: p.eventId,
        type: p.type,
        time: p.time,
        data: p.data,
      });
    }
  }

  /** What an event tells about the submission itself (owner, Leistung, Vorgangsnummer), if anything. */
  private factsOf(event: IncomingEvent): SubmissionFacts | undefined {
    if (isType(submissionSubmittedV1, event) || isType(submissionReadyV1, event)) {
      const d = event.data;
      return {
        submissionId: d.submissionId,
        ownerKey: d.applicant.ownerKey,
        anonymous: d.applicant.kind === 'anonymous' || d.applicant.ownerKey === null,
        actedByKey: d.applicant.actedByKey,
        tenant: d.tenant,
        vorgangsnummer: d.vorgangsnummer,
        leikaKey: d.leikaKey,
        leistungName: d.leistungName,
        submittedAt: new Date(d.submittedAt),
      };
    }
    if (isType(submissionStatusChangedV1, event)) {
      const d = event.data;
      return {
        submissionId: d.submissionId,
        ownerKey: d.ownerKey,
        anonymous: d.ownerKey === null,
        tenant: d.tenant,
        vorgangsnummer: d.vorgangsnummer,
        leikaKey: d.leikaKey,
        submittedAt: new Date(d.at),
      };
    }
    return undefined;
  }

  private noticeOf(event: IncomingEvent, ctx: SubmissionContext): Notice | undefined {
    const contract = BY_TYPE.get(event.type);
    if (!contract) return undefined;
    // Parked events come back from the database: check them against their contract again.
    const e = { type: event.type, data: contract.schema.parse(event.data) };
    const time = new Date(event.time);
    if (isType(submissionSubmittedV1, e)) return submittedNotice(e.data, ctx);
    if (isType(submissionReadyV1, e)) return readyNotice(e.data, ctx, time);
    if (isType(submissionStatusChangedV1, e)) return statusChangedNotice(e.data, ctx);
    if (isType(paymentRequestedV1, e)) return paymentRequestedNotice(e.data, ctx, time);
    if (isType(paymentSettledV1, e)) return paymentSettledNotice(e.data, ctx);
    if (isType(paymentFailedV1, e)) return paymentFailedNotice(e.data, ctx, time);
    if (isType(paymentExpiredV1, e)) return paymentExpiredNotice(e.data, ctx, time);
    if (isType(routingDeliveredV1, e)) return deliveredNotice(e.data, ctx);
    if (isType(routingStatusV1, e)) return routingStatusNotice(e.data, ctx);
    if (isType(routingReplyV1, e)) return replyNotice(e.data);
    if (isType(routingFailedV1, e)) return routingFailedNotice(e.data, ctx);
    return undefined;
  }

  private async apply(
    manager: EntityManager,
    submission: SubmissionRecord,
    event: IncomingEvent,
  ): Promise<SubmissionRecord> {
    const ownerKey = submission.ownerKey;
    if (ownerKey === null) return submission;
    const notice = this.noticeOf(event, {
      vorgangsnummer: submission.vorgangsnummer,
      leistungName: submission.leistungName,
    });
    if (!notice) return submission;

    const fresh = await this.projections.addTimelineEntry(manager, submission.submissionId, ownerKey, {
      eventId: event.id,
      kind: notice.kind,
      status: notice.status?.status ?? null,
      outcome: notice.status?.outcome ?? null,
      titleDe: notice.title.de,
      titleEn: notice.title.en,
      messageId: null,
      at: notice.at,
    });
    if (!fresh) return submission;

    let current = submission;
    let changed = false;
    if (notice.status) {
      // Topics are not ordered among each other: an older report never overrides a newer status.
      const stale = submission.statusAt !== null && notice.at < submission.statusAt;
      if (!stale) {
        changed = submission.status !== notice.status.status || submission.outcome !== notice.status.outcome;
        await this.projections.setStatus(
          manager,
          submission.submissionId,
          notice.status.status,
          notice.status.outcome,
          notice.at,
        );
        current = { ...submission, ...notice.status, statusAt: notice.at };
      }
    }
    if (!(notice.message === 'always' || (notice.message === 'on-change' && changed))) return current;

    const messageId = randomUUID();
    const inserted = await this.postkorb.insert(manager, {
      id: messageId,
      ownerKey,
      direction: 'in',
      category: notice.category,
      sourceEventId: event.id,
      submissionId: submission.submissionId,
      vorgangsnummer: submission.vorgangsnummer,
      leikaKey: submission.leikaKey,
      tenant: submission.tenant,
      senderKind: notice.sender.kind,
      senderName: notice.sender.name,
      subject: notice.subject.de,
      body: notice.body.de,
      bodyHtml: notice.bodyHtml ?? null,
      subjectEn: notice.subject.en,
      bodyEn: notice.body.en,
      status: notice.status?.status ?? null,
      outcome: notice.status?.outcome ?? null,
      authorityRef: notice.authorityRef ?? null,
      inReplyTo: null,
      actedByKey: null,
    });
    if (!inserted) return current;
    if (notice.attachments && notice.attachments.length > 0) {
      await this.postkorb.insertFiles(
        manager,
        notice.attachments.map((a, position) => ({
          id: randomUUID(),
          ownerKey,
          messageId,
          origin: 'authority' as const,
          position,
          filename: a.filename,
          mediaType: a.mediaType,
          size: a.size,
          sha512: a.sha512,
          state: 'pending' as const,
          sourceUrl: a.url,
          sourceExpiresAt: a.urlExpiresAt,
        })),
      );
    }
    await this.projections.linkTimelineMessage(manager, event.id, messageId);
    await this.notifications.newMessage(manager, ownerKey, messageId);
    this.logger.debug(
      { submissionId: submission.submissionId, kind: notice.kind },
      'Postkorb message created',
    );
    return current;
  }
}
