import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { DestinationRecord } from '../destinations/destinations.types';
import { FilesService } from '../files/files.service';
import type { MessageRecord } from '../messages/messages.types';
import { RoutingEvents } from '../messages/routing-events';
import { RepliesRepository } from './replies.repository';

/** A reply of a Fachverfahren to a submission, whichever way it came (back channel or FIT-Connect). */
export interface IncomingReply {
  /** Idempotency: the same id again records nothing. */
  replyId?: string;
  kind: 'BESCHEID' | 'MESSAGE';
  subject: string;
  body: string;
  attachments: Array<{ filename: string; mediaType: string; content: Buffer }>;
  /** Who sent it (the client's principal key, or `channel:<name>`). */
  by: string;
}

export interface RecordedReply {
  replyId: string;
  /** false: a reply with this id was recorded before. */
  recorded: boolean;
  /** The id belongs to a reply of another message. */
  foreign: boolean;
  fileIds: string[];
}

/**
 * Records a reply once: its files' bytes in the file store first, then the reply row, the files' rows and
 * routing's reply event (`routing.reply`, through the outbox) in one transaction, so accounts shows it in the
 * Postkorb exactly as any other Bescheid.
 */
@Injectable()
export class RepliesService {
  constructor(
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    private readonly repository: RepliesRepository,
    private readonly files: FilesService,
    private readonly events: RoutingEvents,
  ) {}

  async record(m: MessageRecord, d: DestinationRecord, r: IncomingReply): Promise<RecordedReply> {
    const files = r.attachments.map((a) => ({
      id: randomUUID(),
      filename: a.filename,
      mediaType: a.mediaType,
      content: a.content,
      size: a.content.length,
      sha512: createHash('sha512').update(a.content).digest('hex'),
    }));
    const replyId = r.replyId ?? randomUUID();
    let recorded = false;
    try {
      // The bytes go into the file store first, so a recorded reply never names a missing file.
      await this.files.keep(files);
      const links = await Promise.all(files.map((f) => this.files.signedUrl({ ...f, replyId })));
      recorded = await this.dataSource.transaction(async (manager) => {
        const row = {
          id: replyId,
          messageId: m.id,
          kind: r.kind,
          subject: r.subject,
          body: r.body,
          clientId: r.by,
        };
        if (!(await this.repository.insertReply(manager, row))) return false;
        for (const f of files) await this.files.record(manager, { ...f, replyId });
        await this.events.reply(manager, m, d, {
          replyId,
          kind: r.kind,
          subject: r.subject,
          body: r.body,
          attachments: files.map((f, i) => ({
            fileId: f.id,
            filename: f.filename,
            mediaType: f.mediaType,
            size: f.size,
            sha512: f.sha512,
            url: links[i].url,
            urlExpiresAt: links[i].expiresAt,
          })),
          at: new Date().toISOString(),
        });
        return true;
      });
    } finally {
      // A repeated reply (or a failed attempt) keeps nothing of this attempt's files; should the store fail
      // here too, an unreferenced object stays behind rather than hiding the first error.
      if (!recorded) await this.files.discard(files.map((f) => f.id)).catch(() => undefined);
    }
    if (recorded) return { replyId, recorded, foreign: false, fileIds: files.map((f) => f.id) };
    const foreign = (await this.repository.replyOwner(replyId)) !== m.id;
    const fileIds = foreign ? [] : (await this.files.ofReply(replyId)).map((f) => f.id);
    return { replyId, recorded, foreign, fileIds };
  }
}
