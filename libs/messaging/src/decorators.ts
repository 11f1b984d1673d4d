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

export const EVENT_BATCH_HANDLER_METADATA = 'amtsbote:event-batch-handler';

/**
 * Like {@link EventHandler}, for a method that takes consecutive events of a fetched chunk at once:
 * `(events: CloudEvent[], ctx: HandlerContext)`, in their order, in the chunk's one transaction. For a
 * handler whose work per event is a few statements that can be one per batch (a projection). If the
 * transaction fails, each event is handled again on its own (a batch of one), as for {@link EventHandler}.
 */
export const EventBatchHandler = (contract: EventContract | readonly EventContract[]): MethodDecorator =>
  SetMetadata(EVENT_BATCH_HANDLER_METADATA, contract);
