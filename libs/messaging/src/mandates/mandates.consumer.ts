import { type EventPayload, mandateGrantedV1, mandateRevokedV1 } from '@amtsbote/contracts';
import { Injectable } from '@nestjs/common';
import type { HandlerContext } from '../consumer';
import { EventHandler } from '../decorators';
import type { CloudEvent } from '../envelope';
import { MandatesRepository } from './mandates.repository';

@Injectable()
export class MandatesConsumer {
  constructor(private readonly mandates: MandatesRepository) {}

  @EventHandler(mandateGrantedV1)
  async onGranted(
    event: CloudEvent<EventPayload<typeof mandateGrantedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    const d = event.data;
    await this.mandates.upsert(ctx.manager, {
      mandateId: d.mandateId,
      organisationKey: d.organisationKey,
      representativeKey: d.representativeKey,
      leikaKeys: d.leikaKeys,
      validFrom: new Date(d.validFrom),
      validUntil: d.validUntil ? new Date(d.validUntil) : null,
    });
  }

  @EventHandler(mandateRevokedV1)
  async onRevoked(
    event: CloudEvent<EventPayload<typeof mandateRevokedV1>>,
    ctx: HandlerContext,
  ): Promise<void> {
    await this.mandates.revoke(ctx.manager, event.data.mandateId, new Date(event.data.revokedAt));
  }
}
