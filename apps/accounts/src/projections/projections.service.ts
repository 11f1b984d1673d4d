import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationsService } from '../notifications/notifications.service';
import { PostkorbInbox } from '../postkorb/postkorb-inbox.service';
import type { Notice, SubmissionContext } from './notices';
import { ruleOf } from './projection-rules';
import { type SubmissionFacts, ProjectionsRepository, type SubmissionRecord } from './projections.repository';

export interface IncomingEvent {
  id: string;
  type: string;
  /** CloudEvents `time`: when the producer wrote the event. */
  time: string;
  data: unknown;
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
    private readonly postkorb: PostkorbInbox,
    private readonly notifications: NotificationsService,
  ) {}

  /** Erasure: the owner's submissions stay known (later events are dropped) but lose their timeline. */
  eraseOwner(manager: EntityManager, ownerKey: string): Promise<void> {
    return this.projections.eraseOwner(manager, ownerKey);
  }

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
    return ruleOf(event.type)?.facts?.(event.data);
  }

  private noticeOf(event: IncomingEvent, ctx: SubmissionContext): Notice | undefined {
    const rule = ruleOf(event.type);
    if (!rule) return undefined;
    // Parked events come back from the database: check them against their contract again.
    return rule.notice(rule.contract.schema.parse(event.data), ctx, new Date(event.time));
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
    const files = (notice.attachments ?? []).map((a, position) => ({
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
    }));
    const inserted = await this.postkorb.receive(
      manager,
      {
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
      },
      files,
    );
    if (!inserted) return current;
    await this.projections.linkTimelineMessage(manager, event.id, messageId);
    await this.notifications.newMessage(manager, ownerKey, messageId);
    this.logger.debug(
      { submissionId: submission.submissionId, kind: notice.kind },
      'Postkorb message created',
    );
    return current;
  }
}
