import { randomUUID } from 'node:crypto';
import type { EventPayload, postkorbReplySentV1, submissionReadyV1 } from '@amtsbote/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { routingMetrics } from '../common/metrics';
import { RoutesService } from '../routes/routes.service';
import { MessageIntakeRepository } from './message-intake.repository';
import { MessagesRepository } from './messages.repository';
import type { MessageRecord, MessageState } from './messages.types';
import { RoutingEvents } from './routing-events';

/**
 * Takes ready submissions and citizen replies in (finds the Zuständigkeit and queues the message), and lists
 * messages for operators.
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);
  private readonly unroutable = routingMetrics().unroutable;

  constructor(
    private readonly repository: MessageIntakeRepository,
    private readonly operators: MessagesRepository,
    private readonly routes: RoutesService,
    private readonly events: RoutingEvents,
  ) {}

  /**
   * In the consumer's transaction: resolve the route; no match (or an inactive destination) fails the
   * submission with NO_AUTHORITY at once — routing never guesses. Otherwise the message is queued for the
   * delivery worker, which builds, validates and delivers it. True when a message was queued.
   */
  async onSubmissionReady(
    manager: EntityManager,
    s: EventPayload<typeof submissionReadyV1>,
  ): Promise<boolean> {
    if (await this.repository.isKnownSubmission(manager, s.submissionId)) return false;
    const hit = await this.routes.resolve(manager, s.tenant, s.leikaKey, s.ars);
    if (hit === undefined || !hit.destination.active) {
      const reason =
        hit === undefined
          ? `no route for LeiKa ${s.leikaKey} and ARS ${s.ars} in tenant ${s.tenant}`
          : `the responsible destination ${hit.destination.id} is inactive`;
      if (await this.repository.insertUnroutable(manager, { ...s, reason })) {
        this.logger.warn({ submissionId: s.submissionId, reason }, 'submission cannot be routed');
        // Counted inside the consumer's transaction: a rare rolled-back chunk replays and counts it again.
        this.unroutable.inc({ tenant: s.tenant });
        await this.events.failed(manager, s, 'NO_AUTHORITY', {
          de: 'Für Ihren Antrag ist an Ihrem Wohnort keine zuständige Stelle für diese Leistung angebunden. Bitte wenden Sie sich an Ihre Verwaltung.',
          en: 'No responsible authority for this service is connected for your place of residence. Please contact your administration.',
        });
      }
      return false;
    }
    const d = hit.destination;
    return this.repository.insert(
      manager,
      {
        id: randomUUID(),
        kind: 'submission',
        submissionId: s.submissionId,
        replyId: null,
        tenant: s.tenant,
        vorgangsnummer: s.vorgangsnummer,
        destinationId: d.id,
        format: d.format,
        channel: d.channel,
        input: {
          kind: 'submission',
          leikaKey: s.leikaKey,
          leistungName: s.leistungName,
          ars: s.ars,
          submittedAt: s.submittedAt,
          applicant: { kind: s.applicant.kind, trustLevel: s.applicant.trustLevel },
          fimSchema: s.fimSchema,
          data: s.data,
          payment: s.payment,
          ...(s.digitalBescheidConsent === undefined
            ? {}
            : { digitalBescheidConsent: s.digitalBescheidConsent }),
          ...(s.idBundDe === undefined ? {} : { idBundDe: s.idBundDe }),
        },
      },
      s.attachments.map((a) => ({
        attachmentId: a.fileId,
        filename: a.filename,
        mediaType: a.mediaType,
        size: a.size,
        sha512: a.sha512,
        sourceUrl: a.url,
        sourceExpiresAt: a.urlExpiresAt,
      })),
    );
  }

  /** A citizen's Postkorb answer goes to the Fachverfahren the submission went to (push or mailbox). */
  async onCitizenReply(
    manager: EntityManager,
    r: EventPayload<typeof postkorbReplySentV1>,
  ): Promise<boolean> {
    const submission = await this.repository.findSubmissionMessage(manager, r.submissionId);
    if (submission === undefined) {
      this.logger.warn(
        { submissionId: r.submissionId, replyId: r.replyId },
        'citizen reply for a submission routing never delivered; dropped',
      );
      return false;
    }
    return this.repository.insert(
      manager,
      {
        id: randomUUID(),
        kind: 'citizen-reply',
        submissionId: r.submissionId,
        replyId: r.replyId,
        tenant: submission.tenant,
        vorgangsnummer: submission.vorgangsnummer,
        destinationId: submission.destinationId,
        format: submission.format,
        channel: submission.channel,
        input: {
          kind: 'citizen-reply',
          replyId: r.replyId,
          inReplyTo: r.inReplyTo,
          text: r.text,
          at: r.at,
          actedByRepresentative: r.actedByKey !== undefined,
        },
      },
      r.attachments.map((a) => ({
        attachmentId: a.fileId,
        filename: a.filename,
        mediaType: a.mediaType,
        size: a.size,
        sha512: a.sha512,
        sourceUrl: a.url,
        sourceExpiresAt: a.urlExpiresAt,
      })),
    );
  }

  /** Messages and their state for operators (no contents); tenant null means all. */
  list(filter: {
    tenant: string | null;
    destinationId?: string;
    submissionId?: string;
    state?: MessageState;
    limit: number;
  }): Promise<MessageRecord[]> {
    return this.operators.list(filter);
  }

  find(id: string): Promise<MessageRecord | undefined> {
    return this.operators.find(id);
  }
}
