import { randomUUID } from 'node:crypto';
import type { EventPayload, routingStatusV1 } from '@amtsbote/contracts';
import { Injectable } from '@nestjs/common';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { StatusReportsRepository } from './status-reports.repository';

export interface StatusReport {
  /** The reporter's id of the report (a retried request repeats it); one is made up when absent. */
  statusId?: string;
  status: EventPayload<typeof routingStatusV1>['status'];
  text?: string;
  /** Who reported: the Fachverfahren's principal key, or the channel that learnt it. */
  reportedBy: string;
}

/**
 * Receipts and status reports of a Fachverfahren, each recorded and published exactly once — whether the
 * Fachverfahren posts them to the back channel or a channel learns them from its transport.
 */
@Injectable()
export class StatusReportsService {
  constructor(
    private readonly repository: StatusReportsRepository,
    private readonly events: RoutingEvents,
  ) {}

  /** RECEIVED, only the first time; `recorded: false` when there was a receipt already. */
  async receipt(
    m: MessageRecord,
    d: DestinationRecord,
    reportedBy: string,
  ): Promise<{ statusId: string; recorded: boolean }> {
    const statusId = randomUUID();
    const recorded = await this.repository.transaction(async (manager) => {
      if (!(await this.repository.markReceipt(manager, m.id))) return false;
      await this.repository.insertStatus(manager, {
        id: statusId,
        messageId: m.id,
        status: 'RECEIVED',
        text: null,
        clientId: reportedBy,
      });
      await this.events.status(manager, m, d, 'RECEIVED', undefined, statusId);
      return true;
    });
    return { statusId, recorded };
  }

  /**
   * A status report; `recorded: false` when one with this id exists already, `foreign: true` when that
   * one belongs to another message.
   */
  async report(
    m: MessageRecord,
    d: DestinationRecord,
    r: StatusReport,
  ): Promise<{ statusId: string; recorded: boolean; foreign: boolean }> {
    const statusId = r.statusId ?? randomUUID();
    const recorded = await this.repository.transaction(async (manager) => {
      if (
        !(await this.repository.insertStatus(manager, {
          id: statusId,
          messageId: m.id,
          status: r.status,
          text: r.text ?? null,
          clientId: r.reportedBy,
        }))
      ) {
        return false;
      }
      await this.events.status(manager, m, d, r.status, r.text, statusId);
      return true;
    });
    const foreign = !recorded && (await this.repository.statusOwner(statusId)) !== m.id;
    return { statusId, recorded, foreign };
  }
}
