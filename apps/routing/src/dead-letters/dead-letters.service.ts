import { type Principal, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { actorOf, adminScope, inScope, scopeTenant } from '../common/access';
import { ChannelRegistry } from '../channels/channel-registry';
import { DeliverySignal } from '../common/delivery-signal';
import { refusesTheMessage } from '../channels/refusal';
import { DestinationsService } from '../destinations/destinations.service';
import type { DeadLetterDto } from '../messages/messages.dto';
import { toDeadLetter } from '../messages/messages.mapper';
import { MessagesService } from '../messages/messages.service';
import type { MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { DeadLettersRepository } from './dead-letters.repository';

const NOT_FOUND = { de: 'Der Fehlversand', en: 'The dead letter' };

/** Dead letters: what could not be delivered, with the report why; redeliver one or all, or give up. */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly repository: DeadLettersRepository,
    private readonly messages: MessagesService,
    private readonly destinations: DestinationsService,
    private readonly audit: AuditService,
    private readonly events: RoutingEvents,
    private readonly channels: ChannelRegistry,
    private readonly delivery: DeliverySignal,
  ) {}

  async list(p: Principal, destinationId?: string): Promise<DeadLetterDto[]> {
    const rows = await this.messages.list({
      tenant: scopeTenant(adminScope(p)),
      destinationId,
      state: 'DEAD',
      limit: 1000,
    });
    return rows.map(toDeadLetter);
  }

  private async dead(p: Principal, id: string): Promise<MessageRecord> {
    const m = await this.messages.find(id);
    if (m === undefined || m.state !== 'DEAD' || !inScope(adminScope(p), m.tenant))
      throw ProblemException.notFound(NOT_FOUND);
    return m;
  }

  async get(p: Principal, id: string): Promise<DeadLetterDto> {
    return toDeadLetter(await this.dead(p, id));
  }

  /** Back into delivery with the same message id (receivers drop what they already have). */
  async redeliver(p: Principal, id: string): Promise<{ redelivered: string[] }> {
    const m = await this.dead(p, id);
    const result = await this.repository.transaction(async (manager) => {
      const redelivered = await this.repository.redeliver(manager, [m.id], this.channels.namesOf('pull'));
      await this.audit.record(manager, {
        ...actorOf(p),
        action: 'dead-letter.redeliver',
        target: m.id,
        details: { destinationId: m.destinationId, reason: m.deadReason },
      });
      return { redelivered };
    });
    this.delivery.wake();
    return result;
  }

  async redeliverAll(p: Principal, destinationId: string): Promise<{ redelivered: string[] }> {
    await this.destinations.visible(p, destinationId);
    const ids = await this.repository.deadIds(destinationId);
    const result = await this.repository.transaction(async (manager) => {
      const redelivered = await this.repository.redeliver(manager, ids, this.channels.namesOf('pull'));
      await this.audit.record(manager, {
        ...actorOf(p),
        action: 'dead-letter.redeliver-all',
        target: destinationId,
        details: { count: redelivered.length },
      });
      return { redelivered };
    });
    this.delivery.wake();
    return result;
  }

  /**
   * Gives up: the submission fails back to the citizen (UNDELIVERABLE, or INVALID_MESSAGE when it never
   * validated), unless the Fachverfahren's refusal already did.
   */
  async abandon(p: Principal, id: string): Promise<DeadLetterDto> {
    const m = await this.dead(p, id);
    await this.repository.transaction(async (manager) => {
      if (!(await this.repository.markAbandoned(manager, m.id))) return;
      // A refusal of the message itself was told to the citizen when it was dead-lettered.
      const told = m.deadReason === 'REFUSED_BY_RECEIVER' && refusesTheMessage(m.deadReport?.httpStatus ?? 0);
      if (m.kind === 'submission' && !told) {
        const invalid = m.deadReason === 'INVALID_MESSAGE' || m.deadReason === 'TOO_LARGE';
        await this.events.failed(
          manager,
          m,
          invalid ? 'INVALID_MESSAGE' : 'UNDELIVERABLE',
          invalid
            ? {
                de: 'Ihr Antrag konnte technisch nicht an die zuständige Stelle übermittelt werden. Bitte wenden Sie sich an die Verwaltung.',
                en: 'Your application could not be passed on to the responsible authority for technical reasons. Please contact the administration.',
              }
            : {
                de: 'Die zuständige Stelle war über längere Zeit nicht erreichbar; Ihr Antrag konnte nicht zugestellt werden. Bitte wenden Sie sich an die Verwaltung.',
                en: 'The responsible authority could not be reached for a long time; your application could not be delivered. Please contact the administration.',
              },
        );
      }
      await this.audit.record(manager, {
        ...actorOf(p),
        action: 'dead-letter.abandon',
        target: m.id,
        details: { destinationId: m.destinationId, reason: m.deadReason },
      });
    });
    return toDeadLetter({ ...m, state: 'ABANDONED' });
  }
}
