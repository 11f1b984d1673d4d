import { randomUUID } from 'node:crypto';
import { diagnosticsEchoV1, type EventPayload } from '@amtsbote/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.module';
import { OutboxWriter } from '../outbox';
import { DiagnosticsRepository, type EchoRecord } from './diagnostics.repository';

/** The backbone probe: an echo event written through the outbox, recorded by every consuming service. */
@Injectable()
export class DiagnosticsService {
  constructor(
    private readonly repository: DiagnosticsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async send(message: string, sentBy: string): Promise<{ echoId: string }> {
    const echoId = randomUUID();
    await this.repository.transaction(async (manager) => {
      await this.repository.record(manager, {
        echoId,
        service: this.options.service,
        direction: 'sent',
        message,
      });
      await this.outbox.add(manager, {
        contract: diagnosticsEchoV1,
        subject: echoId,
        data: { echoId, message, sentBy, sentAt: new Date().toISOString() },
      });
    });
    return { echoId };
  }

  async received(manager: EntityManager, payload: EventPayload<typeof diagnosticsEchoV1>): Promise<void> {
    await this.repository.record(manager, {
      echoId: payload.echoId,
      service: this.options.service,
      direction: 'received',
      message: payload.message,
    });
  }

  find(echoId: string): Promise<EchoRecord[]> {
    return this.repository.find(echoId);
  }
}
