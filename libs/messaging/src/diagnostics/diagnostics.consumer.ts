import { diagnosticsEchoV1, type EventPayload } from '@amtsbote/contracts';
import { Injectable } from '@nestjs/common';
import type { HandlerContext } from '../consumer';
import { EventHandler } from '../decorators';
import type { CloudEvent } from '../envelope';
import { DiagnosticsService } from './diagnostics.service';

@Injectable()
export class DiagnosticsConsumer {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @EventHandler(diagnosticsEchoV1)
  async onEcho(
    event: CloudEvent<EventPayload<typeof diagnosticsEchoV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.diagnostics.received(ctx.manager, event.data);
  }
}
