import { type EventPayload, postkorbReplySentV1, submissionReadyV1 } from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { DeliverySignal } from '../common/delivery-signal';
import { MessagesService } from './messages.service';

/** Queued messages wake the delivery worker once the consumer's transaction committed. */
@Injectable()
export class MessagesConsumer {
  constructor(
    private readonly messages: MessagesService,
    private readonly delivery: DeliverySignal,
  ) {}

  @EventHandler(submissionReadyV1)
  async onSubmissionReady(
    event: CloudEvent<EventPayload<typeof submissionReadyV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    if (await this.messages.onSubmissionReady(ctx.manager, event.data))
      ctx.afterCommit(() => this.delivery.wake());
  }

  @EventHandler(postkorbReplySentV1)
  async onCitizenReply(
    event: CloudEvent<EventPayload<typeof postkorbReplySentV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    if (await this.messages.onCitizenReply(ctx.manager, event.data))
      ctx.afterCommit(() => this.delivery.wake());
  }
}
