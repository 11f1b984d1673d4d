import {
  type EventContract,
  type EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentNotRequiredV1,
  paymentRequestedV1,
  paymentSettledV1,
  routingDeliveredV1,
  routingFailedV1,
  routingRoutedV1,
  routingStatusV1,
} from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import type { SubmissionStatus } from './state-machine';
import { SubmissionStatusService } from './submission-status.service';
import type { StatusReason } from './submissions.entity';

type Event<C extends EventContract> = CloudEvent<EventPayload<C>>;

/** Payment and routing events move the submission's state; the status service does the rest. */
@Injectable()
export class SubmissionsConsumer {
  constructor(private readonly status: SubmissionStatusService) {}

  @EventHandler(paymentNotRequiredV1)
  async onPaymentNotRequired(e: Event<typeof paymentNotRequiredV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'READY',
      at: new Date(e.time),
      cause: e.type,
    });
  }

  @EventHandler(paymentRequestedV1)
  async onPaymentRequested(e: Event<typeof paymentRequestedV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'AWAITING_PAYMENT',
      at: new Date(e.time),
      cause: e.type,
    });
  }

  @EventHandler(paymentSettledV1)
  async onPaymentSettled(e: Event<typeof paymentSettledV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'READY',
      at: new Date(e.data.paidAt),
      payment: e.data.paymentInformation,
      cause: e.type,
    });
  }

  @EventHandler(paymentFailedV1)
  async onPaymentFailed(e: Event<typeof paymentFailedV1>, ctx: HandlerContext): Promise<void> {
    const cancelled = e.data.outcome === 'CANCELED';
    const reason: StatusReason = cancelled
      ? { code: 'PAYMENT_CANCELLED', de: 'Die Zahlung wurde abgebrochen.', en: 'The payment was cancelled.' }
      : {
          code: 'PAYMENT_FAILED',
          de: 'Die Zahlung ist fehlgeschlagen.',
          en: 'The payment failed.',
        };
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: cancelled ? 'CANCELLED' : 'FAILED',
      at: new Date(e.time),
      reason,
      cause: e.type,
    });
  }

  @EventHandler(paymentExpiredV1)
  async onPaymentExpired(e: Event<typeof paymentExpiredV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'EXPIRED',
      at: new Date(e.time),
      reason: {
        code: 'PAYMENT_EXPIRED',
        de: 'Die Gebühr wurde nicht rechtzeitig bezahlt.',
        en: 'The fee was not paid in time.',
      },
      cause: e.type,
    });
  }

  @EventHandler(routingRoutedV1)
  async onRouted(e: Event<typeof routingRoutedV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'ROUTED',
      at: new Date(e.time),
      cause: e.type,
    });
  }

  @EventHandler(routingDeliveredV1)
  async onDelivered(e: Event<typeof routingDeliveredV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'DELIVERED',
      at: new Date(e.data.deliveredAt),
      cause: e.type,
    });
  }

  @EventHandler(routingStatusV1)
  async onStatus(e: Event<typeof routingStatusV1>, ctx: HandlerContext): Promise<void> {
    const d = e.data;
    // An authority's rejection is a decision, not a technical failure: the procedure is completed.
    const to: SubmissionStatus = d.status === 'REJECTED' ? 'COMPLETED' : d.status;
    const reason: StatusReason | undefined =
      d.message !== undefined
        ? { code: d.status, de: d.message, en: d.message }
        : d.status === 'REJECTED'
          ? { code: 'REJECTED', de: 'Der Antrag wurde abgelehnt.', en: 'The application was rejected.' }
          : undefined;
    await this.status.apply(ctx.manager, {
      submissionId: d.submissionId,
      to,
      at: new Date(d.at),
      reason,
      cause: e.type,
    });
  }

  @EventHandler(routingFailedV1)
  async onRoutingFailed(e: Event<typeof routingFailedV1>, ctx: HandlerContext): Promise<void> {
    await this.status.apply(ctx.manager, {
      submissionId: e.data.submissionId,
      to: 'FAILED',
      at: new Date(e.data.at),
      reason: { code: e.data.code, de: e.data.reason.de, en: e.data.reason.en },
      cause: e.type,
    });
  }
}
