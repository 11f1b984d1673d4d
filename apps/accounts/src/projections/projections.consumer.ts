import {
  type EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentRequestedV1,
  paymentSettledV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingStatusV1,
  submissionReadyV1,
  submissionStatusChangedV1,
  submissionSubmittedV1,
} from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { ProjectionsService } from './projections.service';

/** Kafka only: every event of the submission's story goes to the same projection. */
@Injectable()
export class ProjectionsConsumer {
  constructor(private readonly projections: ProjectionsService) {}

  @EventHandler(submissionSubmittedV1)
  onSubmitted(event: CloudEvent<EventPayload<typeof submissionSubmittedV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(submissionReadyV1)
  onReady(event: CloudEvent<EventPayload<typeof submissionReadyV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(submissionStatusChangedV1)
  onStatusChanged(event: CloudEvent<EventPayload<typeof submissionStatusChangedV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(paymentRequestedV1)
  onPaymentRequested(event: CloudEvent<EventPayload<typeof paymentRequestedV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(paymentSettledV1)
  onPaymentSettled(event: CloudEvent<EventPayload<typeof paymentSettledV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(paymentFailedV1)
  onPaymentFailed(event: CloudEvent<EventPayload<typeof paymentFailedV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(paymentExpiredV1)
  onPaymentExpired(event: CloudEvent<EventPayload<typeof paymentExpiredV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(routingDeliveredV1)
  onDelivered(event: CloudEvent<EventPayload<typeof routingDeliveredV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(routingStatusV1)
  onRoutingStatus(event: CloudEvent<EventPayload<typeof routingStatusV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(routingReplyV1)
  onReply(event: CloudEvent<EventPayload<typeof routingReplyV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }

  @EventHandler(routingFailedV1)
  onRoutingFailed(event: CloudEvent<EventPayload<typeof routingFailedV1>>, ctx: HandlerContext) {
    return this.projections.handle(ctx.manager, event);
  }
}
