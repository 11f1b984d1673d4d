import { type Principal, principalKey, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { ChannelRegistry } from '../channels/channel-registry';
import { RoutingSettings } from '../common/settings';
import { DeliveryService } from '../delivery/delivery.service';
import { DestinationsService } from '../destinations/destinations.service';
import type { DestinationRecord } from '../destinations/destinations.types';
import { buildEnvelope, type DeliveryEnvelope } from '../channels/envelope';
import { RepliesService } from '../replies/replies.service';
import type { MessageSummaryDto } from '../messages/messages.dto';
import { toSummary } from '../messages/messages.mapper';
import type { MessageKind, MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import type {
  ReplyAcceptedDto,
  ReplyDto,
  RejectDto,
  StateDto,
  StatusAcceptedDto,
  StatusDto,
} from './fachverfahren.dto';
import { StatusReportsService } from '../status-reports/status-reports.service';
import { MailboxRepository } from './mailbox.repository';

const NOT_FOUND = { de: 'Die Nachricht', en: 'The message' };

export interface Download {
  content: Buffer;
  mediaType: string;
  filename: string;
  sha512?: string;
}

function conflict(code: string, de: string, en: string): ProblemException {
  return ProblemException.conflict(code, { de, en });
}

/**
 * The API of the Fachverfahren, modelled on FIT-Connect's subscriber API: a mailbox for pull destinations
 * (list, fetch, accept, reject) and the back channel (receipt, status, replies) for both channels. A client
 * sees only the messages of the destinations in its token's `destinations` claim; anything else is "not found".
 */
@Injectable()
export class FachverfahrenService {
  constructor(
    private readonly messages: MailboxRepository,
    private readonly destinations: DestinationsService,
    private readonly replies: RepliesService,
    private readonly statusReports: StatusReportsService,
    private readonly delivery: DeliveryService,
    private readonly channels: ChannelRegistry,
    private readonly events: RoutingEvents,
    private readonly settings: RoutingSettings,
  ) {}

  private async own(
    p: Principal,
    id: string,
    withPayload = false,
  ): Promise<{ m: MessageRecord; d: DestinationRecord }> {
    const m = await this.messages.findFor(p.destinations, id, withPayload);
    // Messages still being built, and messages of other destinations, do not exist for the caller.
    if (m === undefined || m.state === 'BUILDING') throw ProblemException.notFound(NOT_FOUND);
    const d = await this.destinations.find(m.destinationId);
    if (d === undefined) throw ProblemException.notFound(NOT_FOUND);
    return { m, d };
  }

  async pending(
    p: Principal,
    destinationId: string | undefined,
    kind: MessageKind | undefined,
    limit: number,
  ): Promise<MessageSummaryDto[]> {
    const ids =
      destinationId === undefined ? p.destinations : p.destinations.filter((d) => d === destinationId);
    if (ids.length === 0) return [];
    return (await this.messages.pending(ids, limit, kind)).map(toSummary);
  }

  private readable(m: MessageRecord): void {
    if (
      !this.channels.isPull(m.channel) ||
      !['AVAILABLE', 'DELIVERED'].includes(m.state) ||
      m.purgedAt !== null
    ) {
      throw ProblemException.notFound(NOT_FOUND);
    }
  }

  async describe(p: Principal, id: string): Promise<DeliveryEnvelope> {
    const { m, d } = await this.own(p, id);
    this.readable(m);
    await this.messages.markFetched(m.id);
    return buildEnvelope(m, d, await this.messages.attachments(m.id), false);
  }

  async payload(p: Principal, id: string): Promise<Download> {
    const { m } = await this.own(p, id, true);
    this.readable(m);
    await this.messages.markFetched(m.id);
    return {
      content: m.payload!,
      mediaType: m.encrypted ? 'application/jose' : (m.payloadMediaType ?? 'application/octet-stream'),
      filename: m.payloadFilename ?? 'payload',
      sha512: m.encrypted ? undefined : (m.payloadSha512 ?? undefined),
    };
  }

  async metadata(p: Principal, id: string): Promise<Download> {
    const { m } = await this.own(p, id, true);
    this.readable(m);
    if (m.metadata === null) throw ProblemException.notFound({ de: 'Die Metadaten', en: 'The metadata' });
    return {
      content: m.metadata,
      mediaType: m.encrypted ? 'application/jose' : 'application/json',
      filename: 'metadata.json',
    };
  }

  async attachment(p: Principal, id: string, attachmentId: string): Promise<Download> {
    const { m } = await this.own(p, id);
    this.readable(m);
    const a = await this.messages.attachment(m.id, attachmentId);
    if (a?.content === null || a === undefined)
      throw ProblemException.notFound({ de: 'Die Anlage', en: 'The attachment' });
    return {
      content: a.content,
      mediaType: a.encrypted ? 'application/jose' : a.mediaType,
      filename: a.filename,
      sha512: a.encrypted ? undefined : a.sha512,
    };
  }

  async accept(p: Principal, id: string): Promise<StateDto> {
    const { m, d } = await this.own(p, id);
    if (!this.channels.isPull(m.channel))
      throw conflict(
        'not-pull',
        'Push-Nachrichten werden nicht angenommen.',
        'Push messages are not accepted.',
      );
    if (m.state === 'DELIVERED') return { messageId: m.id, state: m.state };
    if (m.state !== 'AVAILABLE') {
      throw conflict(
        'not-available',
        `Die Nachricht ist im Zustand ${m.state}.`,
        `The message is in state ${m.state}.`,
      );
    }
    await this.messages.transaction(async (manager) => {
      if ((await this.messages.markAccepted(manager, m.id)) && m.kind === 'submission') {
        await this.events.delivered(manager, m, d);
      }
    });
    return { messageId: m.id, state: 'DELIVERED' };
  }

  async reject(p: Principal, id: string, dto: RejectDto): Promise<StateDto> {
    const { m } = await this.own(p, id);
    if (!this.channels.isPull(m.channel))
      throw conflict(
        'not-pull',
        'Push-Nachrichten werden nicht zurückgewiesen.',
        'Push messages are not rejected here.',
      );
    if (m.state === 'REJECTED') return { messageId: m.id, state: m.state };
    if (m.state !== 'AVAILABLE') {
      throw conflict(
        'not-available',
        `Die Nachricht ist im Zustand ${m.state}.`,
        `The message is in state ${m.state}.`,
      );
    }
    const titles =
      dto.problems
        .map((x) => x.title)
        .join('; ')
        .slice(0, 1000) || 'ohne Angabe';
    await this.messages.transaction(async (manager) => {
      if (
        !(await this.messages.markRejected(manager, m.id, {
          problems: dto.problems,
          by: p.clientId ?? p.subject,
        }))
      )
        return;
      if (m.kind === 'submission') {
        await this.events.failed(manager, m, 'REJECTED', {
          de: `Die zuständige Stelle konnte Ihren Antrag nicht annehmen: ${titles}`,
          en: `The responsible authority could not accept your application: ${titles}`,
        });
      }
    });
    return { messageId: m.id, state: 'REJECTED' };
  }

  /** Receipts, status and replies need the message to have arrived (push acknowledged or pull accepted). */
  private async arrived(p: Principal, id: string): Promise<{ m: MessageRecord; d: DestinationRecord }> {
    const found = await this.own(p, id);
    if (found.m.kind !== 'submission') {
      throw conflict(
        'not-a-submission',
        'Status und Antworten beziehen sich auf die Antragsnachricht.',
        'Status and replies refer to the submission message.',
      );
    }
    if (found.m.state === 'SENDING' && !this.channels.isPull(found.d.channel)) {
      // The Fachverfahren answers before routing has read the push's 200: it can only know this message
      // id from that push, so the push arrived. Record the delivery now (the worker's own mark then
      // finds the message delivered and emits nothing twice).
      await this.delivery.confirmPushed(found.m, found.d);
      const again = await this.own(p, id);
      if (again.m.state === 'DELIVERED') return again;
    }
    if (found.m.state !== 'DELIVERED') {
      throw conflict(
        'not-delivered',
        'Die Nachricht ist noch nicht zugestellt (abrufen und annehmen).',
        'The message has not been delivered yet (fetch and accept it).',
      );
    }
    return found;
  }

  async receipt(p: Principal, id: string): Promise<StatusAcceptedDto> {
    const { m, d } = await this.arrived(p, id);
    return this.statusReports.receipt(m, d, principalKey(p));
  }

  async status(p: Principal, id: string, dto: StatusDto): Promise<StatusAcceptedDto> {
    if ((dto.status === 'ACTION_REQUIRED' || dto.status === 'REJECTED') && !dto.message?.trim()) {
      throw ProblemException.unprocessable(
        'message-required',
        { de: 'Text an die Antragstellenden fehlt', en: 'Text to the citizen missing' },
        [
          {
            path: '/message',
            code: 'isDefined',
            message: { de: `Für ${dto.status} ist message nötig.`, en: `${dto.status} needs message.` },
          },
        ],
      );
    }
    const { m, d } = await this.arrived(p, id);
    const { statusId, recorded, foreign } = await this.statusReports.report(m, d, {
      statusId: dto.statusId,
      status: dto.status,
      text: dto.message,
      reportedBy: principalKey(p),
    });
    if (foreign) {
      throw conflict(
        'status-id-taken',
        'Diese statusId gehört zu einer anderen Nachricht.',
        'This statusId belongs to another message.',
      );
    }
    return { statusId, recorded };
  }

  async reply(p: Principal, id: string, dto: ReplyDto): Promise<ReplyAcceptedDto> {
    const { m, d } = await this.arrived(p, id);
    const attachments = dto.attachments.map((a) => ({
      filename: a.filename,
      mediaType: a.mediaType,
      content: Buffer.from(a.content, 'base64'),
    }));
    const total = attachments.reduce((n, f) => n + f.content.length, 0);
    const max = this.settings.config.ROUTING_REPLY_MAX_BYTES;
    if (total > max) {
      throw new ProblemException({
        status: 413,
        code: 'reply-too-large',
        title: { de: 'Anlagen zu groß', en: 'Attachments too large' },
        detail: {
          de: `Die Anlagen haben ${total} Bytes, erlaubt sind ${max}.`,
          en: `The attachments have ${total} bytes; ${max} are allowed.`,
        },
      });
    }
    const r = await this.replies.record(m, d, { ...dto, attachments, by: principalKey(p) });
    if (r.foreign) {
      throw conflict(
        'reply-id-taken',
        'Diese replyId gehört zu einer anderen Nachricht.',
        'This replyId belongs to another message.',
      );
    }
    return { replyId: r.replyId, recorded: r.recorded, fileIds: r.fileIds };
  }
}
