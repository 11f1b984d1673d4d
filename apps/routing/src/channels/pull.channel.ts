import { Injectable, Logger } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import { SIGNATURE_HEADERS, signatureHeaders } from '../common/signature';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { MessageRecord } from '../messages/messages.types';
import type { DeliveryChannel } from './delivery-channel';
import { PushClient } from './push-client';

/**
 * `pull`: the built message waits in the mailbox until the Fachverfahren accepts or rejects it. With a
 * `callbackUrl` the Fachverfahren is told that something waits (signed like a push, best effort).
 */
@Injectable()
export class PullChannel implements DeliveryChannel {
  readonly name = 'pull';
  readonly mode = 'pull' as const;
  private readonly logger = new Logger('Delivery');

  constructor(
    private readonly push: PushClient,
    private readonly settings: RoutingSettings,
  ) {}

  validate(): [] {
    return [];
  }

  /** Tells a pull Fachverfahren that something waits (signed, best effort: the mailbox is the truth). */
  async offered(m: MessageRecord, d: DestinationRecord): Promise<void> {
    if (d.callbackUrl === null) return;
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
        d.callbackUrl,
        body,
        {
          'content-type': 'application/json',
          ...signatureHeaders(this.settings.secrets.open(d.secretSealed), body),
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
