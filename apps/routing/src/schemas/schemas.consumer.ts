import { catalogSchemaPublishedV1, type EventPayload } from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { SchemasService } from './schemas.service';

@Injectable()
export class SchemasConsumer {
  constructor(private readonly schemas: SchemasService) {}

  @EventHandler(catalogSchemaPublishedV1)
  async onSchemaPublished(
    event: CloudEvent<EventPayload<typeof catalogSchemaPublishedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.schemas.onPublished(ctx.manager, event.data);
  }
}
