import {
  catalogCodeListPublishedV1,
  catalogSchemaPublishedV1,
  catalogSchemaPublishedV2,
  type EventPayload,
} from '@amtsbote/contracts';
import { type CloudEvent, EventHandler, type HandlerContext } from '@amtsbote/messaging';
import { Injectable } from '@nestjs/common';
import { SchemasService } from './schemas.service';

/** The catalog's events: schema versions (v1 may still be in the topic, v2 is what intake sends) and code lists. */
@Injectable()
export class SchemasConsumer {
  constructor(private readonly schemas: SchemasService) {}

  @EventHandler(catalogSchemaPublishedV1)
  async onSchemaPublishedV1(
    event: CloudEvent<EventPayload<typeof catalogSchemaPublishedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.schemas.onPublishedV1(ctx.manager, event.data);
  }

  @EventHandler(catalogSchemaPublishedV2)
  async onSchemaPublishedV2(
    event: CloudEvent<EventPayload<typeof catalogSchemaPublishedV2>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.schemas.onPublishedV2(ctx.manager, event.data);
  }

  @EventHandler(catalogCodeListPublishedV1)
  async onCodeListPublished(
    event: CloudEvent<EventPayload<typeof catalogCodeListPublishedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.schemas.onCodeListPublished(ctx.manager, event.data);
  }
}
