import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  detectMediaType,
  type FieldProblem,
  FILE_STORE,
  FileLinks,
  type FileStore,
  FileTooLargeError,
  MediaTypeSniffer,
  ProblemException,
  sanitizeFilename,
  type StoredFile,
  UploadRefused,
} from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessService, type Caller } from '../common/access.service';
import { AnonymousQuotas } from '../drafts/anonymous-quotas.service';
import { DraftsService } from '../drafts/drafts.service';
import { type Leistung, mediaTypeAllowed } from '../leistungen/leistungen.entity';
import { LeistungenService } from '../leistungen/leistungen.service';
import type { AttachmentDto } from './attachments.dto';
import type { AttachmentRecord } from './attachments.entity';
import { toAttachmentDto } from './attachments.mapper';
import { AttachmentsRepository } from './attachments.repository';

/** Room for the multipart envelope around the file when judging Content-Length up front. */
const MULTIPART_OVERHEAD = 16 * 1024;
/** How long a refused upload's connection stays open so the client can read the answer, before it is cut. */
const LINGER_MS = 1000;

/**
 * After a refusal the rest of the body is not wanted. Closing at once would make the client's next write
 * fail and can discard our answer before the client reads it, so the connection lingers briefly and is then
 * cut if the client is still sending.
 */
function cutAfterAnswer(request: FastifyRequest): void {
  const raw = request.raw;
  if (raw.complete) return;
  const socket = raw.socket;
  const timer = setTimeout(() => {
    if (!raw.complete) socket.destroy();
  }, LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
const ATTACHMENT = { de: 'Die Anlage', en: 'The attachment' };

export interface AttachmentContent {
  record: AttachmentRecord;
  stream: Readable;
}

function limitProblem(code: string, de: string, en: string): ProblemException {
  const errors: FieldProblem[] = [{ path: '/file', code, message: { de, en } }];
  return ProblemException.unprocessable(
    'attachment-limit',
    { de: 'Anlagengrenze erreicht', en: 'Attachment limit reached' },
    errors,
  );
}

function tooLarge(limit: number): ProblemException {
  return new ProblemException({
    status: 413,
    code: 'attachment-too-large',
    title: { de: 'Datei zu groß', en: 'File too large' },
    detail: {
      de: `Die Datei überschreitet die erlaubte Größe von ${limit} Bytes (einschließlich der bisherigen Anlagen).`,
      en: `The file exceeds the allowed size of ${limit} bytes (counting the attachments so far).`,
    },
    extensions: { limit },
  });
}

/** The multipart envelope itself is broken (no boundary, cut off): the client's fault, not ours. */
function malformedMultipart(): ProblemException {
  return ProblemException.badRequest(
    'multipart-malformed',
    { de: 'Fehlerhafte multipart-Anfrage', en: 'Malformed multipart request' },
    undefined,
    {
      de: 'Der multipart/form-data-Anfragetext ist unvollständig oder fehlerhaft (Boundary, Teile).',
      en: 'The multipart/form-data body is incomplete or malformed (boundary, parts).',
    },
  );
}

/** Errors of @fastify/multipart carry their HTTP status; the parser's own (busboy) errors do not. */
function hasHttpStatus(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { statusCode?: unknown }).statusCode === 'number'
  );
}

function wrongType(detected: string, allowed: readonly string[]): ProblemException {
  return new ProblemException({
    status: 415,
    code: 'attachment-media-type',
    title: { de: 'Dateityp nicht erlaubt', en: 'File type not allowed' },
    detail: {
      de: `Der Inhalt der Datei ist ${detected === 'unknown' ? 'kein erkennbarer Dateityp' : detected}; erlaubt sind: ${allowed.join(', ')}.`,
      en: `The file content is ${detected === 'unknown' ? 'of no recognisable type' : detected}; allowed are: ${allowed.join(', ')}.`,
    },
    extensions: { detectedMediaType: detected, allowedMediaTypes: allowed },
  });
}

@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly drafts: DraftsService,
    private readonly leistungen: LeistungenService,
    private readonly links: FileLinks,
    private readonly access: AccessService,
    private readonly quotas: AnonymousQuotas,
    @Inject(FILE_STORE) private readonly store: FileStore,
  ) {}

  /**
   * Streams one multipart file into the store. Limits and the media type (from the bytes) are enforced
   * while streaming; the row exists only once the file is complete and within every limit.
   */
  async upload(caller: Caller, draftId: string, request: FastifyRequest): Promise<AttachmentDto> {
    const draft = await this.drafts.accessible(caller, draftId);
    const leistung = await this.leistungen.offered(draft.tenant, draft.leikaKey);
    this.access.assertTrustLevel(caller, leistung);
    const existing = await this.drafts.attachmentsOfDraft(draft.id);
    this.checkRoom(leistung, existing, 0);
    const used = existing.reduce((sum, a) => sum + a.size, 0);
    const ownLimit = Math.min(leistung.attachmentMaxFileBytes, leistung.attachmentMaxTotalBytes - used);
    const room = await this.quotas.storageRoom(draft);
    const limit = Math.min(ownLimit, room);
    // Over the Leistung's own limits a file is too large (413); over the anonymous storage quota, which
    // frees up as drafts expire, it is one too many for now (429).
    const overLimit = () => (limit < ownLimit ? this.quotas.storageFull() : tooLarge(limit));

    const declared = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD) {
      cutAfterAnswer(request);
      throw overLimit();
    }
    if (!request.isMultipart()) {
      throw new ProblemException({
        status: 415,
        code: 'multipart-required',
        title: { de: 'multipart/form-data erwartet', en: 'multipart/form-data expected' },
        detail: {
          de: 'Laden Sie die Datei als multipart/form-data mit einem Teil „file“ hoch.',
          en: 'Upload the file as multipart/form-data with a part named "file".',
        },
      });
    }
    let part: Awaited<ReturnType<FastifyRequest['file']>>;
    try {
      part = await request.file({ limits: { files: 1, fileSize: limit + 1, fields: 10, parts: 20 } });
    } catch (err) {
      if (hasHttpStatus(err)) throw err;
      throw malformedMultipart();
    }
    if (!part) {
      throw ProblemException.badRequest('file-missing', { de: 'Keine Datei', en: 'No file' }, [
        {
          path: '/file',
          code: 'required',
          message: { de: 'Der Teil „file“ fehlt.', en: 'The part "file" is missing.' },
        },
      ]);
    }

    const sniffer = new MediaTypeSniffer({
      isAllowed: (type) => mediaTypeAllowed(leistung.attachmentMediaTypes, type),
      detect: detectMediaType,
    });
    const id = randomUUID();
    let stored: StoredFile;
    try {
      // The store counts, hashes and bounds the bytes; the sniffer sees them before any is stored.
      stored = await this.store.put(id, part.file, { maxBytes: limit, check: sniffer });
    } catch (err) {
      cutAfterAnswer(request);
      // The rest of the upload is not wanted (the store leaves the source to its caller).
      const sourceError = part.file.errored;
      part.file.destroy();
      if (err instanceof FileTooLargeError) throw overLimit();
      if (err instanceof UploadRefused) {
        if (err.reason === 'too-large') throw overLimit();
        if (err.reason === 'media-type')
          throw wrongType(err.detail.detected ?? 'unknown', leistung.attachmentMediaTypes);
        throw ProblemException.unprocessable('attachment-empty', { de: 'Leere Datei', en: 'Empty file' }, [
          { path: '/file', code: 'empty', message: { de: 'Die Datei ist leer.', en: 'The file is empty.' } },
        ]);
      }
      // The upload stream itself failed (body cut off before the closing boundary), not the store.
      if (sourceError && !hasHttpStatus(sourceError)) throw malformedMultipart();
      throw err;
    }

    try {
      const saved = await this.attachments.insertChecked(
        {
          id,
          tenant: draft.tenant,
          leikaKey: draft.leikaKey,
          ownerKey: draft.ownerKey,
          draftId: draft.id,
          submissionId: null,
          filename: sanitizeFilename(part.filename, 'attachment'),
          mediaType: sniffer.mediaType!,
          size: stored.size,
          sha512: stored.sha512,
          storageKey: id,
        },
        (current, alive) => {
          if (!alive) throw ProblemException.notFound({ de: 'Der Entwurf', en: 'The draft' });
          this.checkRoom(leistung, current, stored.size);
        },
      );
      return toAttachmentDto(saved);
    } catch (err) {
      await this.store.delete(id).catch(() => undefined);
      throw err;
    }
  }

  /** Count and total limits; `adding` bytes are about to join `existing`. */
  private checkRoom(leistung: Leistung, existing: AttachmentRecord[], adding: number): void {
    const count = existing.length + (adding > 0 ? 1 : 0);
    if (
      (adding > 0 && count > leistung.attachmentMaxCount) ||
      (adding === 0 && count >= leistung.attachmentMaxCount)
    ) {
      throw limitProblem(
        'attachment-limit-count',
        `Höchstens ${leistung.attachmentMaxCount} Anlagen sind erlaubt.`,
        `At most ${leistung.attachmentMaxCount} attachments are allowed.`,
      );
    }
    const total = existing.reduce((sum, a) => sum + a.size, 0) + adding;
    if (
      total > leistung.attachmentMaxTotalBytes ||
      (adding === 0 && total >= leistung.attachmentMaxTotalBytes)
    ) {
      throw limitProblem(
        'attachment-limit-total',
        `Alle Anlagen zusammen dürfen höchstens ${leistung.attachmentMaxTotalBytes} Bytes groß sein.`,
        `All attachments together may have at most ${leistung.attachmentMaxTotalBytes} bytes.`,
      );
    }
  }

  async contentInDraft(caller: Caller, draftId: string, attachmentId: string): Promise<AttachmentContent> {
    const draft = await this.drafts.accessible(caller, draftId);
    const record = await this.attachments.findInDraft(draft.id, attachmentId);
    if (!record) throw ProblemException.notFound(ATTACHMENT);
    return this.open(record);
  }

  async metadataInDraft(caller: Caller, draftId: string, attachmentId: string): Promise<AttachmentDto> {
    const draft = await this.drafts.accessible(caller, draftId);
    const record = await this.attachments.findInDraft(draft.id, attachmentId);
    if (!record) throw ProblemException.notFound(ATTACHMENT);
    return toAttachmentDto(record);
  }

  async deleteFromDraft(caller: Caller, draftId: string, attachmentId: string): Promise<void> {
    const draft = await this.drafts.accessible(caller, draftId);
    const key = await this.attachments.deleteFromDraft(draft.id, attachmentId);
    if (key === undefined) throw ProblemException.notFound(ATTACHMENT);
    await this.drafts.removeFiles([key]);
  }

  /** For the holder of a signed URL (another service): no login, the signature is the permission. */
  async contentBySignature(
    fileId: string,
    expires: string | undefined,
    signature: string | undefined,
  ): Promise<AttachmentContent> {
    const verdict = this.links.verify(fileId, expires, signature);
    if (verdict === 'invalid') {
      throw new ProblemException({
        status: 403,
        code: 'invalid-signature',
        title: { de: 'Ungültiger Link', en: 'Invalid link' },
        detail: {
          de: 'Die Signatur des Download-Links ist ungültig.',
          en: 'The signature of the download link is invalid.',
        },
      });
    }
    if (verdict === 'expired') {
      throw new ProblemException({
        status: 410,
        code: 'link-expired',
        title: { de: 'Link abgelaufen', en: 'Link expired' },
        detail: {
          de: 'Der Download-Link ist abgelaufen; er gilt nur kurz.',
          en: 'The download link has expired; it is valid only briefly.',
        },
      });
    }
    const record = await this.attachments.find(fileId);
    if (!record || record.purgedAt !== null) throw ProblemException.notFound(ATTACHMENT);
    return this.open(record);
  }

  private async open(record: AttachmentRecord): Promise<AttachmentContent> {
    const stream = await this.store.get(record.storageKey);
    if (!stream) {
      this.logger.error({ attachmentId: record.id }, 'attachment row without content in the store');
      throw ProblemException.notFound(ATTACHMENT);
    }
    return { record, stream };
  }
}
