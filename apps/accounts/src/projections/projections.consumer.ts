import { type CloudEvent, EventBatchHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { PROJECTED_CONTRACTS } from './projection-rules';
import { ProjectionsService } from './projections.service';

/** Kafka only: every event of the table in projection-rules.ts goes to the same projection, a chunk at a time. */
@Injectable()
export class ProjectionsConsumer {
  constructor(private readonly projections: ProjectionsService) {}

  @EventBatchHandler(PROJECTED_CONTRACTS)
  onEvents(events: CloudEvent[], ctx: HandlerContext): Promise<void> {
    return this.projections.handleBatch(ctx.manager, events);
  }
}
