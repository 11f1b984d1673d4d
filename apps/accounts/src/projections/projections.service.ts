import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationsService } from '../notifications/notifications.service';
import { PostkorbInbox } from '../postkorb/postkorb-inbox.service';
import type { Notice, SubmissionContext } from './notices';
import { ruleOf } from './projection-rules';
import type { CitizenStatus, Outcome } from '../postkorb/postkorb.model';
import {
  type PendingEvent,
  ProjectionsRepository,
  type SubmissionFacts,
  type SubmissionRecord,
} from './projections.repository';

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

  /**
   * A batch of events, in their order, in the consumer's transaction: a few statements for the whole batch
   * (lock, learn, read, park, timeline, status) instead of a few per event. The sequence is the one of
   * events handled one by one: each event in turn and, after the event that made its submission known, the
   * events parked for it, oldest first.
   */
  async handleBatch(manager: EntityManager, events: readonly IncomingEvent[]): Promise<void> {
    const idOf = (e: IncomingEvent) => (e.data as { submissionId: string }).submissionId.toLowerCase();
    const ids = [...new Set(events.map(idOf))];
    await this.projections.lockSubmissions(manager, ids);
    const facts = events.flatMap((e) => this.factsOf(e) ?? []);
    const { learnt, parked } =
      facts.length > 0
        ? await this.projections.learn(manager, facts)
        : { learnt: new Set<string>(), parked: new Map<string, PendingEvent[]>() };
    const known = await this.projections.findAll(manager, ids);
    await this.projections.park(
      manager,
      events
        .filter((e) => !known.has(idOf(e)))
        .map((e) => ({ submissionId: idOf(e), eventId: e.id, type: e.type, time: e.time, data: e.data })),
    );
    const sequence: IncomingEvent[] = [];
    for (const e of events) {
      const id = idOf(e);
      if (!known.has(id)) continue;
      sequence.push(e);
      const waiting = learnt.has(id) ? parked.get(id) : undefined;
      if (waiting === undefined) continue;
      parked.delete(id);
      for (const p of waiting) sequence.push({ id: p.eventId, type: p.type, time: p.time, data: p.data });
    }
    await this.apply(manager, known, sequence, idOf);
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
    known: Map<string, SubmissionRecord>,
    sequence: readonly IncomingEvent[],
    idOf: (e: IncomingEvent) => string,
  ): Promise<void> {
    const planned: Array<{
      event: IncomingEvent;
      submission: SubmissionRecord & { ownerKey: string };
      notice: Notice;
    }> = [];
    for (const event of sequence) {
      const s = known.get(idOf(event))!;
      if (s.ownerKey === null || s.anonymous || s.erasedAt) continue;
      const notice = this.noticeOf(event, { vorgangsnummer: s.vorgangsnummer, leistungName: s.leistungName });
      if (notice) planned.push({ event, submission: { ...s, ownerKey: s.ownerKey }, notice });
    }
    const fresh = await this.projections.addTimelineEntries(
      manager,
      planned.map(({ event, submission, notice }) => ({
        submissionId: submission.submissionId,
        ownerKey: submission.ownerKey,
        eventId: event.id,
        kind: notice.kind,
        status: notice.status?.status ?? null,
        outcome: notice.status?.outcome ?? null,
        titleDe: notice.title.de,
        titleEn: notice.title.en,
        messageId: null,
        at: notice.at,
      })),
    );
    // Status and messages in order, only for events applied now (not before).
    const current = new Map(known);
    const statuses = new Map<
      string,
      { submissionId: string; status: CitizenStatus; outcome: Outcome | null; at: Date }
    >();
    const links: Array<{ eventId: string; messageId: string }> = [];
    for (const { event, submission, notice } of planned) {
      if (!fresh.has(event.id)) continue;
      const now = current.get(submission.submissionId)!;
      let changed = false;
      // Topics are not ordered among each other: an older report never overrides a newer status.
      if (notice.status && !(now.statusAt !== null && notice.at < now.statusAt)) {
        changed = now.status !== notice.status.status || now.outcome !== notice.status.outcome;
        statuses.set(submission.submissionId, {
          submissionId: submission.submissionId,
          ...notice.status,
          at: notice.at,
        });
        current.set(submission.submissionId, { ...now, ...notice.status, statusAt: notice.at });
      }
      if (!(notice.message === 'always' || (notice.message === 'on-change' && changed))) continue;
      const messageId = await this.postMessage(manager, submission, event, notice);
      if (messageId) links.push({ eventId: event.id, messageId });
    }
    await this.projections.setStatuses(manager, [...statuses.values()]);
    await this.projections.linkTimelineMessages(manager, links);
  }

  /** The owner's Postkorb message of a notice; its id, or undefined when it exists already. */
  private async postMessage(
    manager: EntityManager,
    submission: SubmissionRecord & { ownerKey: string },
    event: IncomingEvent,
    notice: Notice,
  ): Promise<string | undefined> {
    const ownerKey = submission.ownerKey;
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
    if (!inserted) return undefined;
    await this.notifications.newMessage(manager, ownerKey, messageId);
    this.logger.debug(
      { submissionId: submission.submissionId, kind: notice.kind },
      'Postkorb message created',
    );
    return messageId;
  }
}
