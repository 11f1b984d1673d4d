import { type EventPayload, postkorbReplySentV1, submissionReadyV1 } from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { MessagesService } from './messages.service';

@Injectable()
export class MessagesConsumer {
  constructor(private readonly messages: MessagesService) {}

  @EventHandler(submissionReadyV1)
  async onSubmissionReady(
    event: CloudEvent<EventPayload<typeof submissionReadyV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.messages.onSubmissionReady(ctx.manager, event.data);
  }

  @EventHandler(postkorbReplySentV1)
  async onCitizenReply(
    event: CloudEvent<EventPayload<typeof postkorbReplySentV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.messages.onCitizenReply(ctx.manager, event.data);
  }
}
