import {
  routingAlertV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingRoutedV1,
  routingStatusV1,
  type EventPayload,
} from '@amtsbote/contracts';
import { type EventDraft, OutboxWriter } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { authorityOf, type DestinationRecord } from '../destinations/destinations.types';
import type { MessageRecord } from './messages.types';

type Ref = Pick<MessageRecord, 'submissionId' | 'vorgangsnummer' | 'tenant'>;

const ref = (m: Ref) => ({
  submissionId: m.submissionId,
  vorgangsnummer: m.vorgangsnummer,
  tenant: m.tenant,
});

/** The events routing produces, always through the outbox in the caller's transaction. */
@Injectable()
export class RoutingEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  /** `routing.routed` of a built submission, for a statement that writes it with the transition. */
  routedEvent(m: MessageRecord, d: DestinationRecord): EventDraft<typeof routingRoutedV1> {
    return {
      contract: routingRoutedV1,
      subject: m.submissionId,
      tenant: m.tenant,
      data: { ...ref(m), messageId: m.id, authority: authorityOf(d), format: m.format, channel: m.channel },
    };
  }

  /** `routing.delivered`, for a statement that writes it with the transition. */
  deliveredEvent(m: MessageRecord, d: DestinationRecord): EventDraft<typeof routingDeliveredV1> {
    return {
      contract: routingDeliveredV1,
      subject: m.submissionId,
      tenant: m.tenant,
      data: { ...ref(m), messageId: m.id, authority: authorityOf(d), deliveredAt: new Date().toISOString() },
    };
  }

  delivered(manager: EntityManager, m: MessageRecord, d: DestinationRecord): Promise<string> {
    return this.outbox.add(manager, this.deliveredEvent(m, d));
  }

  failed(
    manager: EntityManager,
    m: Ref,
    code: EventPayload<typeof routingFailedV1>['code'],
    reason: { de: string; en: string },
  ): Promise<string> {
    return this.outbox.add(manager, {
      contract: routingFailedV1,
      subject: m.submissionId,
      tenant: m.tenant,
      data: { ...ref(m), code, reason, at: new Date().toISOString() },
    });
  }

  alert(
    manager: EntityManager,
    m: MessageRecord,
    d: DestinationRecord,
    kind: EventPayload<typeof routingAlertV1>['kind'],
    detail: string,
  ): Promise<string> {
    return this.outbox.add(manager, {
      contract: routingAlertV1,
      subject: m.submissionId,
      tenant: m.tenant,
      data: {
        destinationId: d.id,
        contact: d.alertContact,
        kind,
        submissionId: m.submissionId,
        messageId: m.id,
        detail: detail.slice(0, 5000),
        at: new Date().toISOString(),
      },
    });
  }

  status(
    manager: EntityManager,
    m: MessageRecord,
    d: DestinationRecord,
    status: EventPayload<typeof routingStatusV1>['status'],
    text: string | undefined,
    id: string,
  ): Promise<string> {
    return this.outbox.add(manager, {
      contract: routingStatusV1,
      subject: m.submissionId,
      tenant: m.tenant,
      id,
      data: {
        ...ref(m),
        messageId: m.id,
        authority: authorityOf(d),
        status,
        message: text,
        at: new Date().toISOString(),
      },
    });
  }

  reply(
    manager: EntityManager,
    m: MessageRecord,
    d: DestinationRecord,
    r: Omit<EventPayload<typeof routingReplyV1>, 'submissionId' | 'vorgangsnummer' | 'tenant' | 'authority'>,
  ): Promise<string> {
    return this.outbox.add(manager, {
      contract: routingReplyV1,
      subject: m.submissionId,
      tenant: m.tenant,
      id: r.replyId,
      data: { ...ref(m), authority: authorityOf(d), ...r },
    });
  }
}
