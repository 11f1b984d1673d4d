import { Readable } from 'node:stream';
import { FILE_STORE, FileLinks, type FileStore, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { type PostkorbAccess, RepresentationService } from '../representation/representation.service';
import type {
  AttachmentDto,
  ListMessagesQuery,
  MessageDto,
  MessageListDto,
  MessageSummaryDto,
} from './postkorb.dto';
import type { FileRecord, MessageRecord } from './postkorb.records';
import { PostkorbRepository } from './postkorb.repository';

export const MESSAGE = { de: 'Die Nachricht', en: 'The message' };

export function badCursor(): ProblemException {
  return ProblemException.badRequest('invalid-cursor', {
    de: 'Der Blätter-Cursor ist ungültig',
    en: 'The paging cursor is invalid',
  });
}

export function isReplyable(m: MessageRecord): boolean {
  return m.direction === 'in' && m.senderKind === 'authority' && m.submissionId !== null && m.tenant !== null;
}

/** A stored file ready to stream. */
export interface Download {
  stream: Readable;
  filename: string;
  mediaType: string;
  size: number;
}

/**
 * The Postkorb of one owner as the caller may see it: the owner themself, or a representative within the
 * scope and validity of a mandate. Everything else answers 404 — as if it did not exist.
 */
@Injectable()
export class PostkorbService {
  private readonly logger = new Logger('Postkorb');

  constructor(
    private readonly repository: PostkorbRepository,
    private readonly representation: RepresentationService,
    private readonly audit: AuditService,
    @Inject(FILE_STORE) private readonly files: FileStore,
    private readonly links: FileLinks,
  ) {}

  access(callerKey: string, actFor: string | undefined): Promise<PostkorbAccess> {
    return this.representation.postkorbAccess(callerKey, actFor);
  }

  /** Erasure: the owner's messages, files and their references go; the ids of the stored files to remove. */
  eraseOwner(manager: EntityManager, ownerKey: string): ReturnType<PostkorbRepository['eraseOwner']> {
    return this.repository.eraseOwner(manager, ownerKey);
  }

  async list(access: PostkorbAccess, q: ListMessagesQuery): Promise<MessageListDto> {
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw badCursor();
    const limit = q.limit ?? 20;
    const rows = await this.repository.list(
      access,
      {
        unread: q.unread === undefined ? undefined : q.unread === 'true',
        category: q.category,
        submissionId: q.submissionId,
      },
      cursor,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((m) => this.summary(m)),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  unreadCount(access: PostkorbAccess): Promise<number> {
    return this.repository.unreadCount(access);
  }

  /** Reading a message marks it read. */
  async read(access: PostkorbAccess, id: string): Promise<MessageDto> {
    const message = await this.repository.transaction(async (manager) => {
      const m = await this.repository.find(access, id, manager);
      if (!m) throw ProblemException.notFound(MESSAGE);
      if (m.readAt === null && m.direction === 'in' && (await this.repository.markRead(manager, id))) {
        await this.audit.recordActed(manager, access, 'message.read', id);
        return { ...m, readAt: new Date() };
      }
      return m;
    });
    return this.full(message);
  }

  async markUnread(access: PostkorbAccess, id: string): Promise<void> {
    await this.repository.transaction(async (manager) => {
      if (!(await this.repository.find(access, id, manager))) throw ProblemException.notFound(MESSAGE);
      await this.repository.markUnread(manager, id);
      await this.audit.recordActed(manager, access, 'message.unread', id);
    });
  }

  /** Soft delete: gone from every list at once, purged with its files later. */
  async delete(access: PostkorbAccess, id: string): Promise<void> {
    await this.repository.transaction(async (manager) => {
      if (!(await this.repository.find(access, id, manager))) throw ProblemException.notFound(MESSAGE);
      await this.repository.softDelete(manager, id);
      await this.audit.recordActed(manager, access, 'message.deleted', id);
    });
  }

  async download(access: PostkorbAccess, messageId: string, attachmentId: string): Promise<Download> {
    const message = await this.repository.find(access, messageId);
    const file = message ? await this.repository.fileOfMessage(messageId, attachmentId) : undefined;
    if (!message || !file) throw ProblemException.notFound({ de: 'Der Anhang', en: 'The attachment' });
    if (file.state !== 'stored') {
      throw ProblemException.conflict(
        file.state === 'pending' ? 'attachment-pending' : 'attachment-unavailable',
        file.state === 'pending'
          ? { de: 'Der Anhang wird noch abgerufen', en: 'The attachment is still being fetched' }
          : { de: 'Der Anhang konnte nicht abgerufen werden', en: 'The attachment could not be fetched' },
        file.state === 'pending'
          ? {
              de: 'Bitte versuchen Sie es in einigen Minuten erneut.',
              en: 'Please try again in a few minutes.',
            }
          : {
              de: 'Bitte wenden Sie sich an die Behörde, wenn Sie das Dokument benötigen.',
              en: 'Please contact the authority if you need the document.',
            },
      );
    }
    if (access.actedByKey) {
      await this.repository.transaction((manager) =>
        this.audit.recordActed(manager, access, 'attachment.downloaded', attachmentId),
      );
    }
    return {
      stream: await this.openStored(file),
      filename: file.filename,
      mediaType: file.mediaType,
      size: file.size,
    };
  }

  private async openStored(file: FileRecord): Promise<Readable> {
    let stream: Readable | undefined;
    let err = 'no such file in the store';
    try {
      stream = await this.files.get(file.id);
    } catch (e) {
      err = (e as Error).message;
    }
    if (stream) return stream;
    this.logger.error({ fileId: file.id, err }, 'stored file missing');
    throw ProblemException.notFound({ de: 'Der Anhang', en: 'The attachment' });
  }

  /** A reply attachment for whoever holds a valid signed link (routing). */
  async signedDownload(fileId: string, expires?: string, signature?: string): Promise<Download> {
    const file =
      this.links.verify(fileId, expires, signature) === 'valid'
        ? await this.repository.sentUpload(fileId)
        : undefined;
    if (!file) throw ProblemException.notFound({ de: 'Die Datei', en: 'The file' });
    return {
      stream: await this.openStored(file),
      filename: file.filename,
      mediaType: file.mediaType,
      size: file.size,
    };
  }

  // ---- mapping --------------------------------------------------------------------------------------------

  private summary(m: MessageRecord): MessageSummaryDto {
    return {
      id: m.id,
      direction: m.direction,
      category: m.category,
      sender: { kind: m.senderKind, name: m.senderName },
      subject: m.subject,
      subjectEn: m.subjectEn,
      submissionId: m.submissionId,
      vorgangsnummer: m.vorgangsnummer,
      status: m.status,
      outcome: m.outcome,
      createdAt: m.createdAt,
      readAt: m.readAt,
      attachmentCount: m.attachmentCount,
      replyable: isReplyable(m),
    };
  }

  /** A message as its reader sees it, with its attachments. */
  async full(m: MessageRecord): Promise<MessageDto> {
    const files = await this.repository.filesOf([m.id]);
    const attachments: AttachmentDto[] = files.map((f) => ({
      id: f.id,
      filename: f.filename,
      mediaType: f.mediaType,
      size: f.size,
      sha512: f.sha512,
      state: f.state,
    }));
    return {
      ...this.summary(m),
      body: m.body,
      bodyEn: m.bodyEn,
      bodyHtml: m.bodyHtml,
      attachments,
      inReplyTo: m.inReplyTo,
      actedByKey: m.actedByKey,
    };
  }
}
