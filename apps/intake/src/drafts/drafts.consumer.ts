import { accountDeletedV1, type EventPayload } from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { DraftsRepository } from './drafts.repository';

@Injectable()
export class DraftsConsumer {
  constructor(private readonly drafts: DraftsRepository) {}

  /** An erased account keeps no drafts: they end now; the maintenance sweep removes them and their files. */
  @EventHandler(accountDeletedV1)
  async onAccountDeleted(
    event: CloudEvent<EventPayload<typeof accountDeletedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.drafts.expireAllOf(ctx.manager, event.data.accountKey);
  }
}
