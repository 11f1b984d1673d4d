import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { PROJECTED_CONTRACTS } from './projection-rules';
import { ProjectionsService } from './projections.service';

/** Kafka only: every event of the table in projection-rules.ts goes to the same projection. */
@Injectable()
export class ProjectionsConsumer {
  constructor(private readonly projections: ProjectionsService) {}

  @EventHandler(PROJECTED_CONTRACTS)
  onEvent(event: CloudEvent, ctx: HandlerContext): Promise<void> {
    return this.projections.handle(ctx.manager, event);
  }
}
