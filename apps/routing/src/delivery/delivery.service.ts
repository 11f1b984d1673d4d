// A little over our ~400 lines on purpose: the one place that decides what happens to a message after each
// step (delivered, retried, dead-lettered, followed up, recovered), so the guarantees are read together.
import { isTransientInfrastructureError } from '@amtsbote/platform';
import { Injectable, Logger } from '@nestjs/common';
import { ChannelRegistry } from '../channels/channel-registry';
import type {
  ChannelReply,
  DeliveryChannel,
  DeliveryContext,
  DeliveryOutcome,
} from '../channels/delivery-channel';
import { routingMetrics } from '../common/metrics';
import { RoutingSettings } from '../common/settings';
import type { DestinationRecord } from '../destinations/destinations.types';
import { MessageBuilder } from '../formats/message-builder';
import type {
  AttachmentRecord,
  DeadLetterReport,
  DeadReason,
  MessageRecord,
  MessageState,
} from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { RepliesService } from '../replies/replies.service';
import { StatusReportsService } from '../status-reports/status-reports.service';
import { AttachmentError, AttachmentFetcher, sourceOf } from './attachment-fetcher';
import { type Claim, DeliveryRepository } from './delivery.repository';
import { DependencyRecovery } from './dependency-recovery';

/** The dependency a push's retry waits for. */
const destinationOf = (d: DestinationRecord) => `destination:${d.id}`;

/** Exponential backoff with jitter: the upper half of the doubled delay is random. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

const TEXTS = {
  refused: {
    de: 'Das Fachverfahren der zuständigen Stelle konnte Ihren Antrag technisch nicht annehmen. Das liegt nicht an Ihren Angaben; der Betrieb ist informiert.',
    en: "The responsible authority's system could not technically accept your application. This is not due to your entries; operations have been informed.",
  },
  refusedAfterDelivery: (reasons: string) => ({
    de: `Die zuständige Stelle konnte Ihren Antrag nicht annehmen: ${reasons}`,
    en: `The responsible authority could not accept your application: ${reasons}`,
  }),
};

/**
 * One step of one message: build (fetch attachments, build, validate, encrypt), hand over through the
 * destination's channel, or follow a channel's asynchronous acknowledgement. What a channel answers decides
 * the next state: delivered, retried with backoff, or a dead letter; channels never touch the table.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');
  private readonly metrics = routingMetrics();
  /** Claims of steps whose database writes failed (see `process`). */
  private readonly orphans = new Map<string, { state: MessageState; attempts: number }>();

  constructor(
    private readonly messages: DeliveryRepository,
    private readonly recovery: DependencyRecovery,
    private readonly channels: ChannelRegistry,
    private readonly builder: MessageBuilder,
    private readonly fetcher: AttachmentFetcher,
    private readonly statusReports: StatusReportsService,
    private readonly events: RoutingEvents,
    private readonly settings: RoutingSettings,
    private readonly replies: RepliesService,
  ) {}

  /**
   * One claimed message's step; a built push message goes on to its first attempt in the same step. If the
   * database goes away meanwhile, the message would stay claimed for the rest of its lease: it is handed back
   * (`releaseOrphans`) as soon as the worker can claim again.
   */
  async process(claim: Claim, signal: AbortSignal): Promise<void> {
    const at = { m: claim.m };
    try {
      await this.step(claim, signal, at);
    } catch (err) {
      if (!signal.aborted && isTransientInfrastructureError(err))
        this.orphans.set(at.m.id, { state: at.m.state, attempts: at.m.attempts });
      throw err;
    }
  }

  /** Claims of steps the database failed: due again at once, the attempt not counted. */
  async releaseOrphans(): Promise<void> {
    for (const [id, o] of this.orphans) {
      await this.messages.release(id, o.state, o.attempts);
      this.orphans.delete(id);
    }
  }

  /** `at.m`: the message as it stands (after its build, SENDING at attempt 1). */
  private async step({ m, d }: Claim, signal: AbortSignal, at: { m: MessageRecord }): Promise<void> {
    if (d === undefined) return;
    const fetched: Array<{ attachmentId: string; content: Buffer }> = [];
    try {
      if (m.state === 'BUILDING') {
        const sending = await this.build(m, d, signal, fetched);
        if (sending === undefined) return;
        at.m = sending.m;
        await this.send(sending.m, d, signal, sending.attachments);
      } else if (m.state === 'SENDING') await this.send(m, d, signal);
      else if (m.state === 'DELIVERED') await this.followUp(m, d, signal);
    } catch (err) {
      const current = at.m;
      if (signal.aborted) {
        await this.messages.release(current.id, current.state, current.attempts);
        return;
      }
      if (err instanceof AttachmentError && err.permanent) {
        await this.dead(
          current,
          d,
          /has \d+ bytes; the destination accepts/.test(err.message) ? 'TOO_LARGE' : 'ATTACHMENT_UNAVAILABLE',
          {
            summary: err.message,
          },
        );
        return;
      }
      // What was fetched before the failure is kept, so the retry does not depend on the signed URLs again.
      if (current.state === 'BUILDING') await this.messages.storeAttachmentCopies(m.id, fetched);
      const waitingOn =
        err instanceof AttachmentError
          ? (err.source ?? null)
          : current.state === 'SENDING'
            ? destinationOf(d)
            : null;
      await this.retry(current, d, err instanceof Error ? err.message : String(err), { waitingOn });
    }
  }

  /**
   * Fetches missing attachments, builds and validates, and records the built message with `routing.routed`.
   * For a push channel, returns the message as it now stands (SENDING, attempt 1, still claimed by this
   * worker) and its attachments as built, to be sent at once; undefined otherwise.
   */
  private async build(
    m: MessageRecord,
    d: DestinationRecord,
    signal: AbortSignal,
    fetched: Array<{ attachmentId: string; content: Buffer }>,
  ): Promise<{ m: MessageRecord; attachments: AttachmentRecord[] } | undefined> {
    const attachments = await this.messages.attachments(m.id);
    for (const a of attachments) {
      if (a.content !== null) continue;
      a.content = await this.fetcher.fetch(a, d.maxAttachmentBytes, signal);
      fetched.push({ attachmentId: a.attachmentId, content: a.content });
      this.recovery.answered(sourceOf(a.sourceUrl!));
    }
    // Format and channel as the destination says now: a corrected destination applies to waiting messages.
    const current = { ...m, format: d.format, channel: d.channel };
    const outcome = await this.builder.build(current, d, attachments);
    if (!outcome.ok) {
      await this.dead(m, d, outcome.reason, outcome.report);
      return undefined;
    }
    const channel = this.channels.get(d.channel);
    const next = channel.mode === 'pull' ? 'AVAILABLE' : 'SENDING';
    const done = await this.messages.markBuilt(m.id, m.attempts, outcome.built, next, d, {
      leaseMs: this.settings.leaseMs,
      fetched: new Set(fetched.map((f) => f.attachmentId)),
      events: m.kind === 'submission' ? [this.events.routedEvent(current, d)] : [],
    });
    if (!done) return undefined;
    if (next === 'AVAILABLE') {
      this.metrics.deliveries.inc({ channel: d.channel, format: d.format, outcome: 'available' });
      if (channel.offered) void channel.offered(current, d);
      return undefined;
    }
    const b = outcome.built;
    return {
      m: {
        ...current,
        state: 'SENDING',
        attempts: 1,
        builtAt: new Date(),
        lastError: null,
        payload: b.payload,
        payloadFilename: b.payloadFilename,
        payloadMediaType: b.payloadMediaType,
        payloadSize: b.payloadSize,
        payloadSha512: b.payloadSha512,
        metadata: b.metadata,
        hasMetadata: b.metadata !== null,
        encrypted: b.encrypted,
      },
      // As markBuilt stored them: the built (maybe encrypted) content of attachments delivered separately.
      attachments: attachments.map((a) => {
        const content = b.attachments.find((x) => x.attachmentId === a.attachmentId)?.content ?? null;
        const wasFetched = fetched.some((f) => f.attachmentId === a.attachmentId);
        return {
          ...a,
          content,
          hasContent: content !== null,
          encrypted: b.encrypted && content !== null,
          sourceUrl: wasFetched ? null : a.sourceUrl,
        };
      }),
    };
  }

  private context(m: MessageRecord, signal: AbortSignal, attachments?: AttachmentRecord[]): DeliveryContext {
    return {
      signal,
      attempt: m.attempts,
      attachments: async () => attachments ?? this.messages.attachments(m.id),
      state: m.channelState,
      saveState: (state) => this.messages.saveChannelState(m.id, state),
    };
  }

  private pushChannel(m: MessageRecord): DeliveryChannel & Required<Pick<DeliveryChannel, 'deliver'>> {
    const channel = this.channels.get(m.channel);
    if (channel.deliver === undefined) throw new Error(`channel ${m.channel} does not deliver by push`);
    return channel as DeliveryChannel & Required<Pick<DeliveryChannel, 'deliver'>>;
  }

  private async send(
    m: MessageRecord,
    d: DestinationRecord,
    signal: AbortSignal,
    attachments?: AttachmentRecord[],
  ): Promise<void> {
    const outcome: DeliveryOutcome = await this.pushChannel(m).deliver(
      m,
      d,
      this.context(m, signal, attachments),
    );
    switch (outcome.kind) {
      case 'delivered':
        await this.messages.markPushed(
          m.id,
          m.attempts,
          m.kind === 'submission' ? [this.events.deliveredEvent(m, d)] : [],
          outcome.followUpAt ?? null,
        );
        this.recovery.answered(destinationOf(d));
        this.metrics.deliveries.inc({ channel: m.channel, format: m.format, outcome: 'delivered' });
        return;
      case 'refused':
        await this.dead(
          m,
          d,
          'REFUSED_BY_RECEIVER',
          {
            summary: outcome.summary,
            httpStatus: outcome.httpStatus,
            responseExcerpt: outcome.responseExcerpt,
          },
          outcome.refusesTheMessage,
        );
        return;
      case 'retry':
        await this.retry(m, d, outcome.error, {
          retryAfterSeconds: outcome.retryAfterSeconds,
          waitingOn: destinationOf(d),
        });
        return;
    }
  }

  /** A delivered message whose channel acknowledges asynchronously: receipt, refusal, or ask again. */
  private async followUp(m: MessageRecord, d: DestinationRecord, signal: AbortSignal): Promise<void> {
    const channel = this.channels.get(m.channel);
    if (channel.followUp === undefined) {
      await this.messages.scheduleFollowUp(m.id, m.attempts, null);
      return;
    }
    let outcome;
    try {
      outcome = await channel.followUp(m, d, this.context(m, signal));
    } catch (err) {
      if (signal.aborted) throw err;
      const error = err instanceof Error ? err.message : String(err);
      await this.messages.scheduleFollowUp(m.id, m.attempts, this.followUpRetryAt(m), error);
      return;
    }
    switch (outcome.kind) {
      case 'pending':
      case 'received': {
        if (outcome.kind === 'received') await this.statusReports.receipt(m, d, `channel:${m.channel}`);
        const error = await this.takeReplies(m, d, outcome.replies);
        const next = error ? this.followUpRetryAt(m) : (outcome.checkAgainAt ?? null);
        await this.messages.scheduleFollowUp(m.id, m.attempts, next, error);
        return;
      }
      case 'finished':
        await this.messages.scheduleFollowUp(m.id, m.attempts, null);
        return;
      case 'refused': {
        const reasons = outcome.reasons.join('; ').slice(0, 1000) || 'ohne Angabe';
        await this.messages.transaction(async (manager) => {
          const rejection = { problems: outcome.reasons, by: `channel:${m.channel}` };
          if (!(await this.messages.markRefusedAfterDelivery(manager, m.id, m.attempts, rejection))) return;
          if (m.kind === 'submission')
            await this.events.failed(manager, m, 'REJECTED', TEXTS.refusedAfterDelivery(reasons));
        });
        return;
      }
    }
  }

  /**
   * Replies the channel's transport carried back: each recorded once (reply event → Postkorb), then
   * acknowledged to the transport. A failure leaves the rest for the next follow-up (recording is idempotent).
   */
  private async takeReplies(
    m: MessageRecord,
    d: DestinationRecord,
    replies: ChannelReply[] = [],
  ): Promise<string | undefined> {
    try {
      for (const r of replies) {
        const { recorded } = await this.replies.record(m, d, r);
        await r.acknowledge();
        this.logger.log({ messageId: m.id, replyId: r.replyId, recorded }, `reply taken over ${m.channel}`);
      }
      return undefined;
    } catch (err) {
      return `taking a reply failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private followUpRetryAt(m: MessageRecord): Date {
    const c = this.settings.config;
    return new Date(Date.now() + backoffMs(m.attempts, c.ROUTING_RETRY_BASE_MS, c.ROUTING_RETRY_MAX_MS));
  }

  /**
   * The Fachverfahren answered on the back channel before the worker read the push's 2xx: it can only know
   * the message id from that push, so the push arrived. Records the delivery now (the worker's own mark then
   * finds the message delivered and emits nothing twice); true when this call recorded it.
   */
  confirmPushed(m: MessageRecord, d: DestinationRecord): Promise<boolean> {
    return this.messages.markPushed(
      m.id,
      m.attempts,
      m.kind === 'submission' ? [this.events.deliveredEvent(m, d)] : [],
    );
  }

  /** `waitingOn`: the dependency that failed, if it was one (see {@link DependencyRecovery}). */
  private async retry(
    m: MessageRecord,
    d: DestinationRecord,
    error: string,
    o: { retryAfterSeconds?: number; waitingOn: string | null },
  ): Promise<void> {
    const { retryAfterSeconds, waitingOn } = o;
    const c = this.settings.config;
    const age = Date.now() - m.cycleStartedAt.getTime();
    if (m.attempts >= c.ROUTING_MAX_ATTEMPTS || age >= this.settings.maxDeliveryAgeMs) {
      await this.dead(m, d, 'UNDELIVERABLE', {
        summary: `gave up after ${m.attempts} attempts in ${Math.round(age / 1000)} s; last error: ${error}`,
      });
      return;
    }
    let delay = backoffMs(m.attempts, c.ROUTING_RETRY_BASE_MS, c.ROUTING_RETRY_MAX_MS);
    if (retryAfterSeconds !== undefined)
      delay = Math.min(c.ROUTING_RETRY_MAX_MS, Math.max(delay, retryAfterSeconds * 1000));
    this.logger.warn(
      { messageId: m.id, destinationId: d.id, attempt: m.attempts, delayMs: delay, error },
      'delivery attempt failed, retrying',
    );
    this.metrics.deliveries.inc({ channel: d.channel, format: m.format, outcome: 'retry' });
    await this.messages.scheduleRetry(
      m.id,
      m.state,
      m.attempts,
      new Date(Date.now() + delay),
      error,
      waitingOn,
    );
    if (waitingOn !== null) this.recovery.failed(waitingOn);
  }

  /**
   * Dead letter: never sent again unless an operator redelivers; the destination's contact is alerted.
   * `refused`: the Fachverfahren refused the submission itself, so the citizen is told as well (REJECTED).
   */
  private async dead(
    m: MessageRecord,
    d: DestinationRecord,
    reason: DeadReason,
    report: DeadLetterReport,
    refused = false,
  ): Promise<void> {
    const done = await this.messages.transaction(async (manager) => {
      if (!(await this.messages.markDead(manager, m.id, m.state, m.attempts, reason, report))) return false;
      await this.events.alert(manager, m, d, 'DEAD_LETTER', `${reason}: ${report.summary}`);
      if (refused && m.kind === 'submission') await this.events.failed(manager, m, 'REJECTED', TEXTS.refused);
      return true;
    });
    if (done) {
      this.logger.error(
        { messageId: m.id, destinationId: d.id, reason, summary: report.summary },
        'message dead-lettered',
      );
      this.metrics.deliveries.inc({ channel: d.channel, format: m.format, outcome: 'dead' });
    }
  }
}
