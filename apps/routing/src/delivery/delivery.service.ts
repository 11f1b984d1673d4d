import { Injectable, Logger } from '@nestjs/common';
import { routingMetrics } from '../common/metrics';
import { RoutingSettings } from '../common/settings';
import { SIGNATURE_HEADERS, signatureHeaders } from '../common/signature';
import { DestinationsService } from '../destinations/destinations.service';
import type { DestinationRecord } from '../destinations/destinations.types';
import { MessageBuilder } from '../formats/message-builder';
import type { Claimed } from '../messages/message-rows';
import type { DeadLetterReport, DeadReason, MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { AttachmentError, AttachmentFetcher } from './attachment-fetcher';
import { DeliveryRepository } from './delivery.repository';
import { buildEnvelope } from './envelope';
import { PushAbortedError, PushClient } from './push-client';

/** Exponential backoff with jitter: the upper half of the doubled delay is random. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** Status codes after which sending again cannot help: the receiver refused the message itself. */
export function isPermanentRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * Refusals of the message itself, not of routing's credentials or address (401, 403, 404: an operator fixes
 * the destination and redelivers). Like a reject from the mailbox, they fail the submission back to the
 * citizen; the dead letter stays for the operator.
 */
export function refusesTheMessage(status: number): boolean {
  return status === 400 || status === 413 || status === 415 || status === 422;
}

const REFUSED = {
  de: 'Das Fachverfahren der zuständigen Stelle konnte Ihren Antrag technisch nicht annehmen. Das liegt nicht an Ihren Angaben; der Betrieb ist informiert.',
  en: "The responsible authority's system could not technically accept your application. This is not due to your entries; operations have been informed.",
};

/** One step of one message: build (fetch attachments, build, validate, encrypt) or push. */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');
  private readonly metrics = routingMetrics();

  constructor(
    private readonly messages: DeliveryRepository,
    private readonly destinations: DestinationsService,
    private readonly builder: MessageBuilder,
    private readonly fetcher: AttachmentFetcher,
    private readonly push: PushClient,
    private readonly events: RoutingEvents,
    private readonly settings: RoutingSettings,
  ) {}

  async process(claim: Claimed, signal: AbortSignal): Promise<void> {
    const m = await this.messages.load(claim.id);
    if (m === undefined || m.state !== claim.state || m.attempts !== claim.attempts) return;
    const d = await this.destinations.find(m.destinationId);
    if (d === undefined) return;
    try {
      if (m.state === 'BUILDING') await this.build(m, d, signal);
      else if (m.state === 'SENDING') await this.send(m, d, signal);
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
    const next = d.channel === 'pull' ? 'AVAILABLE' : 'SENDING';
    const done = await this.messages.transaction(async (manager) => {
      if (
        !(await this.messages.markBuilt(manager, m.id, m.attempts, outcome.built, next, d.format, d.channel))
      )
        return false;
      if (m.kind === 'submission') await this.events.routed(manager, current, d);
      return true;
    });
    if (done && next === 'AVAILABLE') {
      this.metrics.deliveries.inc({ channel: 'pull', format: d.format, outcome: 'available' });
      if (d.callbackUrl !== null) void this.callback(m, d);
    }
  }

  private async send(m: MessageRecord, d: DestinationRecord, signal: AbortSignal): Promise<void> {
    if (d.endpointUrl === null) throw new Error(`destination ${d.id} has no endpoint`);
    const attachments = await this.messages.attachments(m.id);
    const body = Buffer.from(JSON.stringify(buildEnvelope(m, d, attachments, true)), 'utf8');
    const response = await this.push
      .post(
        d.endpointUrl,
        body,
        {
          'content-type': 'application/json',
          ...signatureHeaders(this.destinations.secretOf(d), body),
          [SIGNATURE_HEADERS.messageId]: m.id,
          [SIGNATURE_HEADERS.attempt]: String(m.attempts),
        },
        { mtls: d.mtls, timeoutMs: this.settings.config.ROUTING_PUSH_TIMEOUT_MS, signal },
      )
      .catch((err: unknown) => {
        if (err instanceof PushAbortedError || signal.aborted) throw err;
        throw new Error(`POST ${d.endpointUrl} failed: ${(err as Error).message}`);
      });
    if (response.status >= 200 && response.status < 300) {
      await this.messages.transaction(async (manager) => {
        if (!(await this.messages.markPushed(manager, m.id, m.attempts))) return;
        if (m.kind === 'submission') await this.events.delivered(manager, m, d);
      });
      this.metrics.deliveries.inc({ channel: 'http-push', format: m.format, outcome: 'delivered' });
      return;
    }
    const excerpt = response.body.slice(0, 1000);
    if (isPermanentRefusal(response.status)) {
      await this.dead(
        m,
        d,
        'REFUSED_BY_RECEIVER',
        {
          summary: `the Fachverfahren refused the message with HTTP ${response.status}`,
          httpStatus: response.status,
          responseExcerpt: excerpt,
        },
        refusesTheMessage(response.status),
      );
      return;
    }
    await this.retry(m, d, `HTTP ${response.status}: ${excerpt.slice(0, 200)}`, response.retryAfterSeconds);
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
      if (refused && m.kind === 'submission') await this.events.failed(manager, m, 'REJECTED', REFUSED);
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

  /** Tells a pull Fachverfahren that something waits (signed, best effort: the mailbox is the truth). */
  private async callback(m: MessageRecord, d: DestinationRecord): Promise<void> {
    const body = Buffer.from(
      JSON.stringify({
        type: 'message-available',
        messageId: m.id,
        kind: m.kind,
        destinationId: d.id,
        at: new Date().toISOString(),
      }),
    );
    try {
      const response = await this.push.post(
        d.callbackUrl!,
        body,
        {
          'content-type': 'application/json',
          ...signatureHeaders(this.destinations.secretOf(d), body),
          [SIGNATURE_HEADERS.messageId]: m.id,
        },
        { mtls: d.mtls, timeoutMs: 5000 },
      );
      if (response.status >= 300)
        this.logger.warn({ messageId: m.id, status: response.status }, 'pull callback not accepted');
    } catch (err) {
      this.logger.warn({ messageId: m.id, err: (err as Error).message }, 'pull callback failed');
    }
  }
}
