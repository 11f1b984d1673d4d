import { Injectable } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import { SIGNATURE_HEADERS, signatureHeaders } from '../common/signature';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { MessageRecord } from '../messages/messages.types';
import {
  type DeliveryChannel,
  type DeliveryContext,
  type DeliveryOutcome,
  fieldProblem,
} from './delivery-channel';
import { buildEnvelope } from './envelope';
import { PushAbortedError, PushClient } from './push-client';
import { isPermanentRefusal, refusesTheMessage } from './refusal';

/**
 * `http-push`: routing POSTs the envelope (contents inline) to the destination's endpoint, signed with
 * HMAC-SHA512 over `<timestamp>.<body>`. 2xx is delivered; 4xx other than 408/429 a refusal; the rest retried.
 */
@Injectable()
export class HttpPushChannel implements DeliveryChannel {
  readonly name = 'http-push';
  readonly mode = 'push' as const;

  constructor(
    private readonly push: PushClient,
    private readonly settings: RoutingSettings,
  ) {}

  validate(d: DestinationRecord) {
    return d.endpointUrl === null
      ? [
          fieldProblem(
            '/endpointUrl',
            'required',
            'Für http-push ist endpointUrl nötig.',
            'http-push needs endpointUrl.',
          ),
        ]
      : [];
  }

  async deliver(m: MessageRecord, d: DestinationRecord, ctx: DeliveryContext): Promise<DeliveryOutcome> {
    if (d.endpointUrl === null) throw new Error(`destination ${d.id} has no endpoint`);
    const body = Buffer.from(JSON.stringify(buildEnvelope(m, d, await ctx.attachments(), true)), 'utf8');
    const response = await this.push
      .post(
        d.endpointUrl,
        body,
        {
          'content-type': 'application/json',
          ...signatureHeaders(this.settings.secrets.open(d.secretSealed), body),
          [SIGNATURE_HEADERS.messageId]: m.id,
          [SIGNATURE_HEADERS.attempt]: String(ctx.attempt),
        },
        { mtls: d.mtls, timeoutMs: this.settings.config.ROUTING_PUSH_TIMEOUT_MS, signal: ctx.signal },
      )
      .catch((err: unknown) => {
        if (err instanceof PushAbortedError || ctx.signal.aborted) throw err;
        throw new Error(`POST ${d.endpointUrl} failed: ${(err as Error).message}`);
      });
    if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
    const excerpt = response.body.slice(0, 1000);
    if (isPermanentRefusal(response.status)) {
      return {
        kind: 'refused',
        summary: `the Fachverfahren refused the message with HTTP ${response.status}`,
        httpStatus: response.status,
        responseExcerpt: excerpt,
        refusesTheMessage: refusesTheMessage(response.status),
      };
    }
    return {
      kind: 'retry',
      error: `HTTP ${response.status}: ${excerpt.slice(0, 200)}`,
      retryAfterSeconds: response.retryAfterSeconds,
    };
  }
}
