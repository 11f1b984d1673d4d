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
import { Inject, Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { AuditService } from '../audit/audit.service';
import type { AccountsConfig } from '../config';
import { type PostkorbAccess, RepresentationService } from '../representation/representation.service';
import type { MessageDto, ReplyDto, UploadDto } from './postkorb.dto';
import type { FileRecord } from './postkorb.records';
import { PostkorbRepository } from './postkorb.repository';
import { isReplyable, MESSAGE, PostkorbService } from './postkorb.service';

/** A citizen's (or representative's) answer to an authority: uploads for it, then the reply itself. */
@Injectable()
export class PostkorbRepliesService {
  constructor(
    private readonly repository: PostkorbRepository,
    private readonly postkorb: PostkorbService,
    private readonly representation: RepresentationService,
    private readonly accounts: AccountsService,
    private readonly audit: AuditService,
    @Inject(FILE_STORE) private readonly files: FileStore,
    private readonly links: FileLinks,
    private readonly outbox: OutboxWriter,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {}

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
        await this.audit.recordActed(manager, access, 'attachment.uploaded', id);
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
      await this.audit.recordActed(manager, access, 'message.replied', replyId);
    });
    const sent = await this.repository.find({ ownerKey: party.ownerKey, leikaScope: null }, replyId);
    if (!sent) throw new Error(`reply ${replyId} vanished`);
    return this.postkorb.full(sent);
  }
}
