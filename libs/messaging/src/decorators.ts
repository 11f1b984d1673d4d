import type { EventContract } from '@amtsbote/contracts';
import { SetMetadata } from '@nestjs/common';

export const EVENT_HANDLER_METADATA = 'amtsbote:event-handler';

/**
 * Marks a method of a consumer class as the handler of one event contract. The method receives
 * `(event: CloudEvent<Payload>, ctx: HandlerContext)` and must do its effect through `ctx.manager`.
 */
export const EventHandler = (contract: EventContract): MethodDecorator =>
  SetMetadata(EVENT_HANDLER_METADATA, contract);
