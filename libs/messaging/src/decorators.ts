import type { EventContract } from '@amtsbote/contracts';
import { SetMetadata } from '@nestjs/common';

export const EVENT_HANDLER_METADATA = 'amtsbote:event-handler';

/**
 * Marks a method of a consumer class as the handler of an event contract (or of each of a table of
 * contracts). The method receives `(event: CloudEvent<Payload>, ctx: HandlerContext)` and must do its effect
 * through `ctx.manager`. The service consumes the contracts' topics because of this mark alone.
 * It plays the part of `@EventPattern` of `@nestjs/microservices`, which we do not use: that pipeline would
 * swallow the handler's error and knows no transaction (docs/architecture.md, "Event handlers").
 */
export const EventHandler = (contract: EventContract | readonly EventContract[]): MethodDecorator =>
  SetMetadata(EVENT_HANDLER_METADATA, contract);
