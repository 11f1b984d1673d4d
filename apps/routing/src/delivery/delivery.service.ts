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
import { DestinationsService } from '../destinations/destinations.service';
import type { DestinationRecord } from '../destinations/destinations.types';
import { MessageBuilder } from '../formats/message-builder';
import type { Claimed } from '../messages/message-rows';
import type { DeadLetterReport, DeadReason, MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { RepliesService } from '../replies/replies.service';
import { StatusReportsService } from '../status-reports/status-reports.service';
import { AttachmentError, AttachmentFetcher } from './attachment-fetcher';
import { DeliveryRepository } from './delivery.repository';

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

  constructor(
    private readonly messages: DeliveryRepository,
    private readonly destinations: DestinationsService,
    private readonly channels: ChannelRegistry,
    private readonly builder: MessageBuilder,
    private readonly fetcher: AttachmentFetcher,
    private readonly statusReports: StatusReportsService,
    private readonly events: RoutingEvents,
    private readonly settings: RoutingSettings,
    private readonly replies: RepliesService,
  ) {}

  async process(claim: Claimed, signal: AbortSignal): Promise<void> {
    const m = await this.messages.load(claim.id);
    if (m === undefined || m.state !== claim.state || m.attempts !== claim.attempts) return;
    const d = await this.destinations.find(m.destinationId);
    if (d === undefined) return;
    try {
      if (m.state === 'BUILDING') await this.build(m, d, signal);
      else if (m.state === 'SENDING') await this.send(m, d, signal);
      else if (m.state === 'DELIVERED') await this.followUp(m, d, signal);
    } catch (err) {
      if (signal.aborted) {
        await this.messages.release(m.id, m.state, m.attempts);
        return;
      }
      if (err instanceof AttachmentError && err.permanent) {
        await this.dead(
          m,
          d,
          /has \d+ bytes; the destination accepts/.test(err.message) ? 'TOO_LARGE' : 'ATTACHMENT_UNAVAILABLE',
          {
            summary: err.message,
          },
        );
        return;
      }
      await this.retry(m, d, err instanceof Error ? err.message : String(err));
    }
  }

  private async build(m: MessageRecord, d: DestinationRecord, signal: AbortSignal): Promise<void> {
    const attachments = await this.messages.attachments(m.id);
    for (const a of attachments) {
      if (a.content !== null) continue;
      a.content = await this.fetcher.fetch(a, d.maxAttachmentBytes, signal);
      await this.messages.storeAttachmentCopy(m.id, a.attachmentId, a.content);
    }
    // Format and channel as the destination says now: a corrected destination applies to waiting messages.
    const current = { ...m, format: d.format, channel: d.channel };
    const outcome = await this.builder.build(current, d, attachments);
    if (!outcome.ok) {
      await this.dead(m, d, outcome.reason, outcome.report);
      return;
    }
    const channel = this.channels.get(d.channel);
    const next = channel.mode === 'pull' ? 'AVAILABLE' : 'SENDING';
    const done = await this.messages.transaction(async (manager) => {
      if (
        !(await this.messages.markBuilt(manager, m.id, m.attempts, outcome.built, next, d.format, d.channel))
      )
        return false;
      if (m.kind === 'submission') await this.events.routed(manager, current, d);
      return true;
    });
    if (done && next === 'AVAILABLE') {
      this.metrics.deliveries.inc({ channel: d.channel, format: d.format, outcome: 'available' });
      if (channel.offered) void channel.offered(m, d);
    }
  }

  private context(m: MessageRecord, signal: AbortSignal): DeliveryContext {
    return {
      signal,
      attempt: m.attempts,
      attachments: () => this.messages.attachments(m.id),
      state: m.channelState,
      saveState: (state) => this.messages.saveChannelState(m.id, state),
    };
  }

  private pushChannel(m: MessageRecord): DeliveryChannel & Required<Pick<DeliveryChannel, 'deliver'>> {
    const channel = this.channels.get(m.channel);
    if (channel.deliver === undefined) throw new Error(`channel ${m.channel} does not deliver by push`);
    return channel as DeliveryChannel & Required<Pick<DeliveryChannel, 'deliver'>>;
  }

  private async send(m: MessageRecord, d: DestinationRecord, signal: AbortSignal): Promise<void> {
    const outcome: DeliveryOutcome = await this.pushChannel(m).deliver(m, d, this.context(m, signal));
    switch (outcome.kind) {
      case 'delivered':
        await this.messages.transaction(async (manager) => {
          if (!(await this.messages.markPushed(manager, m.id, m.attempts, outcome.followUpAt ?? null)))
            return;
          if (m.kind === 'submission') await this.events.delivered(manager, m, d);
        });
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
        await this.retry(m, d, outcome.error, outcome.retryAfterSeconds);
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
  async confirmPushed(m: MessageRecord, d: DestinationRecord): Promise<boolean> {
    return this.messages.transaction(async (manager) => {
      if (!(await this.messages.markPushed(manager, m.id, m.attempts))) return false;
      if (m.kind === 'submission') await this.events.delivered(manager, m, d);
      return true;
    });
  }

  private async retry(
    m: MessageRecord,
    d: DestinationRecord,
    error: string,
    retryAfterSeconds?: number,
  ): Promise<void> {
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
    await this.messages.scheduleRetry(m.id, m.state, m.attempts, new Date(Date.now() + delay), error);
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
