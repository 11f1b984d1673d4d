import { type EventPayload, submissionSubmittedV1 } from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { PaymentsService } from './payments.service';

@Injectable()
export class PaymentsConsumer {
  constructor(private readonly payments: PaymentsService) {}

  @EventHandler(submissionSubmittedV1)
  async onSubmitted(
    event: CloudEvent<EventPayload<typeof submissionSubmittedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.payments.onSubmitted(ctx.manager, event.data);
  }
}
