import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { postkorbReplySentV1 } from '@amtsbote/contracts';
import { OutboxWriter } from '@amtsbote/messaging';
import {
  APP_CONFIG,
  detectMediaType,
  FALLBACK_FILENAME,
  FILE_STORE,
  FileLinks,
  type FileStore,
  FileTooLargeError,
  MediaTypeSniffer,
  ProblemException,
  sanitizeFilename,
  type SignedUrl,
  UploadRefused,
} from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AuditRepository } from '../audit/audit.repository';
import { decodeCursor, encodeCursor } from '../common/cursor';
import type { AccountsConfig } from '../config';
import { ProjectionsRepository } from '../projections/projections.repository';
import { type PostkorbAccess, RepresentationService } from '../representation/representation.service';
import type {
  AttachmentDto,
  ListMessagesQuery,
  MessageDto,
  MessageListDto,
  MessageSummaryDto,
  PageQuery,
  ReplyDto,
  SubmissionDto,
  SubmissionListDto,
  TimelineDto,
  UploadDto,
} from './postkorb.dto';
import { type FileRecord, type MessageRecord, PostkorbRepository } from './postkorb.repository';

const MESSAGE = { de: 'Die Nachricht', en: 'The message' };

function badCursor(): ProblemException {
  return ProblemException.badRequest('invalid-cursor', {
    de: 'Der Blätter-Cursor ist ungültig',
    en: 'The paging cursor is invalid',
  });
}

function isReplyable(m: MessageRecord): boolean {
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
    private readonly projections: ProjectionsRepository,
    private readonly representation: RepresentationService,
    private readonly accounts: AccountsRepository,
    private readonly audit: AuditRepository,
    @Inject(FILE_STORE) private readonly files: FileStore,
    private readonly links: FileLinks,
    private readonly outbox: OutboxWriter,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {}

  access(callerKey: string, actFor: string | undefined): Promise<PostkorbAccess> {
    return this.representation.postkorbAccess(callerKey, actFor);
  }

  /** Representatives' actions are recorded: who acted for whom. */
  private async recordActed(manager: EntityManager, access: PostkorbAccess, action: string, target: string) {
    if (!access.actedByKey) return;
    await this.audit.record(manager, {
      actorKey: access.actedByKey,
      ownerKey: access.ownerKey,
      action,
      target,
    });
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
        await this.recordActed(manager, access, 'message.read', id);
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
      await this.recordActed(manager, access, 'message.unread', id);
    });
  }

  /** Soft delete: gone from every list at once, purged with its files later. */
  async delete(access: PostkorbAccess, id: string): Promise<void> {
    await this.repository.transaction(async (manager) => {
      if (!(await this.repository.find(access, id, manager))) throw ProblemException.notFound(MESSAGE);
      await this.repository.softDelete(manager, id);
      await this.recordActed(manager, access, 'message.deleted', id);
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
        this.recordActed(manager, access, 'attachment.downloaded', attachmentId),
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

  /** A file for a reply, streamed into the store; it belongs to the Postkorb owner until attached or purged. */
  async upload(
    access: PostkorbAccess,
    callerKey: string,
    filename: string,
    contentType: string | undefined,
    contentLength: number | undefined,
    body: unknown,
  ): Promise<UploadDto> {
    const allowed = this.config.ACCOUNTS_UPLOAD_MEDIA_TYPES;
    const declared = (contentType ?? '').split(';')[0].trim().toLowerCase();
    const stream = body instanceof Readable ? body : undefined;
    const notAllowed = (detected?: string) =>
      new ProblemException({
        status: 415,
        code: 'unsupported-media-type',
        title: { de: 'Dateityp nicht erlaubt', en: 'File type not allowed' },
        detail:
          detected === undefined
            ? { de: `Erlaubt sind: ${allowed.join(', ')}.`, en: `Allowed are: ${allowed.join(', ')}.` }
            : {
                de: `Der Inhalt der Datei ist kein erlaubter Dateityp (erkannt: ${detected}). Erlaubt sind: ${allowed.join(', ')}.`,
                en: `The content of the file is not of an allowed type (detected: ${detected}). Allowed are: ${allowed.join(', ')}.`,
              },
      });
    if (!stream || !allowed.includes(declared)) {
      stream?.resume();
      throw notAllowed();
    }
    const max = this.config.ACCOUNTS_UPLOAD_MAX_BYTES;
    const tooLarge = () =>
      new ProblemException({
        status: 413,
        code: 'file-too-large',
        title: { de: 'Datei zu groß', en: 'File too large' },
        detail: {
          de: `Eine Datei darf höchstens ${max} Bytes groß sein.`,
          en: `A file may have at most ${max} bytes.`,
        },
      });
    if (contentLength !== undefined && contentLength > max) {
      stream.resume();
      throw tooLarge();
    }
    const id = randomUUID();
    // The declared Content-Type is the client's word; what is stored is what the bytes are.
    const sniffer = new MediaTypeSniffer({
      isAllowed: (type) => allowed.includes(type),
      detect: detectMediaType,
    });
    let stored;
    try {
      stored = await this.files.put(id, stream, { maxBytes: max, check: sniffer });
    } catch (err) {
      // Read the rest, so the client still gets the answer.
      stream.resume();
      if (err instanceof FileTooLargeError) throw tooLarge();
      if (err instanceof UploadRefused && err.reason === 'media-type') throw notAllowed(err.detail.detected);
      if (err instanceof UploadRefused) {
        throw ProblemException.unprocessable(
          'upload-empty',
          { de: 'Leere Datei', en: 'Empty file' },
          undefined,
          {
            de: 'Die hochgeladene Datei enthält keine Daten.',
            en: 'The uploaded file contains no data.',
          },
        );
      }
      throw err;
    }
    const mediaType = sniffer.mediaType!;
    const name = sanitizeFilename(filename, FALLBACK_FILENAME);
    try {
      await this.repository.transaction(async (manager) => {
        await this.repository.insertFiles(manager, [
          {
            id,
            ownerKey: access.ownerKey,
            messageId: null,
            origin: 'upload',
            position: 0,
            filename: name,
            mediaType,
            size: stored.size,
            sha512: stored.sha512,
            state: 'stored',
            uploadedByKey: callerKey,
          },
        ]);
        await this.recordActed(manager, access, 'attachment.uploaded', id);
      });
    } catch (err) {
      await this.files.delete(id);
      throw err;
    }
    return { id, filename: name, mediaType, size: stored.size, sha512: stored.sha512 };
  }

  /**
   * Answers an authority's message: stored in the Postkorb as sent, and `postkorbReplySentV1` through the
   * outbox, its attachments as short-lived signed links routing fetches from here.
   */
  async reply(
    access: PostkorbAccess,
    callerKey: string,
    actFor: string | undefined,
    messageId: string,
    dto: ReplyDto,
  ): Promise<MessageDto> {
    const original = await this.repository.find(access, messageId);
    if (!original) throw ProblemException.notFound(MESSAGE);
    if (!isReplyable(original) || original.submissionId === null || original.tenant === null) {
      throw ProblemException.conflict('not-replyable', {
        de: 'Auf diese Nachricht kann nicht geantwortet werden',
        en: 'This message cannot be answered',
      });
    }
    // Acting on a Leistung needs a mandate for exactly that Leistung.
    const party = await this.representation.actingFor(callerKey, actFor, original.leikaKey);
    const attachmentIds = dto.attachmentIds ?? [];
    if (attachmentIds.length > this.config.ACCOUNTS_REPLY_MAX_ATTACHMENTS) {
      throw ProblemException.unprocessable('too-many-attachments', {
        de: `Höchstens ${this.config.ACCOUNTS_REPLY_MAX_ATTACHMENTS} Anhänge je Antwort`,
        en: `At most ${this.config.ACCOUNTS_REPLY_MAX_ATTACHMENTS} attachments per reply`,
      });
    }
    const owner = await this.accounts.find(party.ownerKey);
    const senderName = owner?.displayNameOverride ?? owner?.tokenName ?? 'Antragsteller/in';
    const replyId = randomUUID();
    const submissionId = original.submissionId;
    const tenant = original.tenant;
    await this.repository.transaction(async (manager) => {
      const uploads = await this.repository.lockUploads(manager, party.ownerKey, attachmentIds);
      if (uploads.length !== attachmentIds.length) {
        const known = new Set(uploads.map((u) => u.id));
        throw ProblemException.unprocessable(
          'unknown-attachment',
          { de: 'Anhang unbekannt oder schon verwendet', en: 'Attachment unknown or already used' },
          attachmentIds
            .map((id, i) => ({ id, i }))
            .filter(({ id }) => !known.has(id))
            .map(({ i }) => ({
              path: `/attachmentIds/${i}`,
              code: 'unknown-attachment',
              message: {
                de: 'Diese Datei wurde nicht hochgeladen oder ist schon einer Antwort beigefügt.',
                en: 'This file was not uploaded or is attached to a reply already.',
              },
            })),
        );
      }
      const ordered = attachmentIds.map((id) => uploads.find((u) => u.id === id) as FileRecord);
      await this.repository.insert(manager, {
        id: replyId,
        ownerKey: party.ownerKey,
        direction: 'out',
        category: 'reply',
        sourceEventId: null,
        submissionId,
        vorgangsnummer: original.vorgangsnummer,
        leikaKey: original.leikaKey,
        tenant,
        senderKind: 'citizen',
        senderName,
        subject: `Antwort: ${original.subject}`.slice(0, 300),
        body: dto.text,
        bodyHtml: null,
        subjectEn: null,
        bodyEn: null,
        status: null,
        outcome: null,
        authorityRef: null,
        inReplyTo: original.id,
        actedByKey: party.actedByKey ?? null,
      });
      // The citizen has read what they answer.
      await this.repository.markRead(manager, original.id);
      await this.repository.attachUploads(manager, replyId, attachmentIds);
      const links: SignedUrl[] = [];
      for (const u of ordered) {
        links.push(
          await this.links.link({ id: u.id, key: u.id, filename: u.filename, mediaType: u.mediaType }),
        );
      }
      await this.outbox.add(manager, {
        contract: postkorbReplySentV1,
        subject: submissionId,
        tenant,
        data: {
          replyId,
          submissionId,
          tenant,
          vorgangsnummer: original.vorgangsnummer ?? undefined,
          inReplyTo: original.authorityRef ?? undefined,
          fromKey: party.ownerKey,
          actedByKey: party.actedByKey,
          text: dto.text,
          attachments: ordered.map((u, i) => ({
            fileId: u.id,
            filename: u.filename,
            mediaType: u.mediaType,
            size: u.size,
            sha512: u.sha512,
            url: links[i].url,
            urlExpiresAt: links[i].expiresAt.toISOString(),
          })),
          at: new Date().toISOString(),
        },
      });
      await this.recordActed(manager, access, 'message.replied', replyId);
    });
    const sent = await this.repository.find({ ownerKey: party.ownerKey, leikaScope: null }, replyId);
    if (!sent) throw new Error(`reply ${replyId} vanished`);
    return this.full(sent);
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

  // ---- submissions and their timeline ---------------------------------------------------------------------

  async submissions(access: PostkorbAccess, q: PageQuery): Promise<SubmissionListDto> {
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw badCursor();
    const limit = q.limit ?? 20;
    const rows = await this.projections.listSubmissions(
      access.ownerKey,
      access.leikaScope,
      cursor,
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((s) => ({
        submissionId: s.submissionId,
        vorgangsnummer: s.vorgangsnummer,
        leistungName: s.leistungName,
        leikaKey: s.leikaKey,
        submittedAt: s.submittedAt,
        status: s.status,
        outcome: s.outcome,
        actedByKey: s.actedByKey,
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.submittedAt, id: last.submissionId })
          : null,
    };
  }

  async timeline(access: PostkorbAccess, submissionId: string): Promise<TimelineDto> {
    const s = await this.projections.visibleSubmission(access.ownerKey, access.leikaScope, submissionId);
    if (!s) throw ProblemException.notFound({ de: 'Der Antrag', en: 'The application' });
    const entries = await this.projections.timeline(submissionId);
    const head: SubmissionDto = {
      submissionId: s.submissionId,
      vorgangsnummer: s.vorgangsnummer,
      leistungName: s.leistungName,
      leikaKey: s.leikaKey,
      submittedAt: s.submittedAt,
      status: s.status,
      outcome: s.outcome,
      actedByKey: s.actedByKey,
    };
    return {
      ...head,
      entries: entries.map((e) => ({
        at: e.at,
        kind: e.kind,
        status: e.status,
        outcome: e.outcome,
        title: { de: e.titleDe, en: e.titleEn },
        messageId: e.messageId,
      })),
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

  private async full(m: MessageRecord): Promise<MessageDto> {
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
