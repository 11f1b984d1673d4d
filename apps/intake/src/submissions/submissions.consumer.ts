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
import { type CloudEvent, EventBatchHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import type { SubmissionStatus } from './state-machine';
import { SubmissionStatusService, type Transition } from './submission-status.service';
import type { StatusReason } from './submissions.entity';

type Event<C extends EventContract> = CloudEvent<EventPayload<C>>;

/** What each event means for the submission's state (the status service does the rest). */
const TRANSITIONS: ReadonlyArray<{ contract: EventContract; transition: (e: CloudEvent) => Transition }> = [
  on(paymentNotRequiredV1, (e) => ({
    submissionId: e.data.submissionId,
    to: 'READY',
    at: new Date(e.time),
  })),
  on(paymentRequestedV1, (e) => ({
    submissionId: e.data.submissionId,
    to: 'AWAITING_PAYMENT',
    at: new Date(e.time),
  })),
  on(paymentSettledV1, (e) => ({
    submissionId: e.data.submissionId,
    to: 'READY',
    at: new Date(e.data.paidAt),
    payment: e.data.paymentInformation,
  })),
  on(paymentFailedV1, (e) => {
    const cancelled = e.data.outcome === 'CANCELED';
    const reason: StatusReason = cancelled
      ? { code: 'PAYMENT_CANCELLED', de: 'Die Zahlung wurde abgebrochen.', en: 'The payment was cancelled.' }
      : {
          code: 'PAYMENT_FAILED',
          de: 'Die Zahlung ist fehlgeschlagen.',
          en: 'The payment failed.',
        };
    return {
      submissionId: e.data.submissionId,
      to: cancelled ? 'CANCELLED' : 'FAILED',
      at: new Date(e.time),
      reason,
    };
  }),
  on(paymentExpiredV1, (e) => ({
    submissionId: e.data.submissionId,
    to: 'EXPIRED',
    at: new Date(e.time),
    reason: {
      code: 'PAYMENT_EXPIRED',
      de: 'Die Gebühr wurde nicht rechtzeitig bezahlt.',
      en: 'The fee was not paid in time.',
    },
  })),
  on(routingRoutedV1, (e) => ({ submissionId: e.data.submissionId, to: 'ROUTED', at: new Date(e.time) })),
  on(routingDeliveredV1, (e) => ({
    submissionId: e.data.submissionId,
    to: 'DELIVERED',
    at: new Date(e.data.deliveredAt),
  })),
  on(routingStatusV1, (e) => {
    const d = e.data;
    // An authority's rejection is a decision, not a technical failure: the procedure is completed.
    const to: SubmissionStatus = d.status === 'REJECTED' ? 'COMPLETED' : d.status;
    const reason: StatusReason | undefined =
      d.message !== undefined
        ? { code: d.status, de: d.message, en: d.message }
        : d.status === 'REJECTED'
          ? { code: 'REJECTED', de: 'Der Antrag wurde abgelehnt.', en: 'The application was rejected.' }
          : undefined;
    return { submissionId: d.submissionId, to, at: new Date(d.at), reason };
  }),
  on(routingFailedV1, (e) => ({
    submissionId: e.data.submissionId,
    to: 'FAILED',
    at: new Date(e.data.at),
    reason: { code: e.data.code, de: e.data.reason.de, en: e.data.reason.en },
  })),
];

function on<C extends EventContract>(
  contract: C,
  transition: (e: Event<C>) => Omit<Transition, 'cause'>,
): { contract: EventContract; transition: (e: CloudEvent) => Transition } {
  return {
    contract,
    transition: (e) => ({ ...transition(e as Event<C>), cause: e.type }),
  };
}

const BY_TYPE = new Map(TRANSITIONS.map((t) => [t.contract.type, t.transition]));

/** Payment and routing events move the submission's state, a fetched chunk at a time. */
@Injectable()
export class SubmissionsConsumer {
  constructor(private readonly status: SubmissionStatusService) {}

  @EventBatchHandler(TRANSITIONS.map((t) => t.contract))
  async onEvents(events: CloudEvent[], ctx: HandlerContext): Promise<void> {
    await this.status.applyAll(
      ctx.manager,
      events.map((e) => BY_TYPE.get(e.type)!(e)),
    );
  }
}
