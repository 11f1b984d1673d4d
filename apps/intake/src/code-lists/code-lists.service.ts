import { gunzipSync } from 'node:zlib';
import { catalogCodeListPublishedV1, MAX_INLINE_GZIP_BASE64, toInlineDocument } from '@amtsbote/contracts';
import { FimParseError, parseGenericode } from '@amtsbote/fim';
import { OutboxWriter } from '@amtsbote/messaging';
import { ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { xmlIssueProblem } from '../common/xml-upload';
import { CodeListCatalog } from './code-list-catalog.service';
import { CodeListPinsRepository } from './code-list-pins.repository';
import type { CodeListDetailDto } from './code-lists.dto';
import { type CodeListSummary, CodeListsRepository } from './code-lists.repository';

const TEXT = {
  list: { de: 'Die Codeliste', en: 'The code list' },
  document: { de: 'ein genericode-Dokument', en: 'a genericode document' },
  invalid: { de: 'Die Codeliste ist ungültig', en: 'The code list is invalid' },
  invalidDetail: {
    de: 'Der genericode-Parser hat die aufgeführten Fehler gefunden; die Codeliste wurde nicht gespeichert.',
    en: 'The genericode parser found the listed errors; the code list was not stored.',
  },
  tooLargeForEvent: { de: 'Codeliste zu groß für die Weitergabe', en: 'Code list too large to pass on' },
  immutable: { de: 'Diese Codelistenversion gibt es schon', en: 'This code-list version already exists' },
  pinned: { de: 'Die Codeliste wird verwendet', en: 'The code list is in use' },
} as const;

export interface CodeListUploadResult {
  created: boolean;
  list: CodeListSummary;
}

/**
 * The installation's genericode code lists: uploaded by catalog admins, stored in PostgreSQL, versioned by
 * canonicalVersionUri and announced to routing (`catalog.code-list-published`, the document gzip-compressed
 * inline). Shared by all tenants; every change is audit-logged for the admin's tenant.
 */
@Injectable()
export class CodeListsService {
  constructor(
    private readonly lists: CodeListsRepository,
    private readonly pins: CodeListPinsRepository,
    private readonly catalog: CodeListCatalog,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Stores a version; the same version with the same document again is a no-op, with another one a conflict. */
  async upload(xml: string, actor: { actorKey: string; tenant: string }): Promise<CodeListUploadResult> {
    let list;
    try {
      list = parseGenericode(xml);
    } catch (err) {
      if (!(err instanceof FimParseError)) throw err;
      throw ProblemException.unprocessable(
        'code-list-invalid',
        TEXT.invalid,
        err.issues.map((i) => xmlIssueProblem(i, 'genericode')),
        TEXT.invalidDetail,
      );
    }
    const genericode = toInlineDocument(xml);
    if (genericode.gzip.length > MAX_INLINE_GZIP_BASE64) {
      const kib = (n: number) => Math.ceil(n / 1024);
      throw new ProblemException({
        status: 413,
        code: 'code-list-too-large-for-routing',
        title: TEXT.tooLargeForEvent,
        detail: {
          de: `${list.canonicalVersionUri} ist komprimiert und base64-kodiert ${kib(genericode.gzip.length)} KiB groß; ein Katalogereignis trägt höchstens ${kib(MAX_INLINE_GZIP_BASE64)} KiB.`,
          en: `${list.canonicalVersionUri} is ${kib(genericode.gzip.length)} KiB compressed and base64-encoded; a catalog event carries at most ${kib(MAX_INLINE_GZIP_BASE64)} KiB.`,
        },
      });
    }
    const record = {
      canonicalVersionUri: list.canonicalVersionUri,
      canonicalUri: list.canonicalUri,
      version: list.version,
      shortName: list.shortName ?? null,
      longName: list.longName ?? null,
      rowCount: list.rows.length,
      genericodeGzip: Buffer.from(genericode.gzip, 'base64'),
      genericodeBytes: genericode.bytes,
      genericodeSha256: genericode.sha256,
      uploadedBy: actor.actorKey,
      uploadedByTenant: actor.tenant,
    };
    const created = await this.lists.transaction(async (manager) => {
      if (!(await this.lists.insertIfAbsent(manager, record))) return false;
      await this.audit.record(manager, {
        ...actor,
        action: 'code-list.upload',
        target: `code-list:${record.canonicalVersionUri}`,
        details: { sha256: record.genericodeSha256, rows: record.rowCount, bytes: record.genericodeBytes },
      });
      await this.outbox.add(manager, {
        contract: catalogCodeListPublishedV1,
        subject: record.canonicalVersionUri,
        tenant: actor.tenant,
        data: {
          canonicalUri: record.canonicalUri,
          version: record.version,
          canonicalVersionUri: record.canonicalVersionUri,
          genericode,
          publishedAt: new Date().toISOString(),
        },
      });
      return true;
    });
    const stored = await this.lists.findSummary(record.canonicalVersionUri);
    if (!stored) throw new Error('stored code list vanished');
    if (stored.genericodeSha256 !== record.genericodeSha256) {
      throw ProblemException.conflict('code-list-immutable', TEXT.immutable, {
        de: `${record.canonicalVersionUri} ist bereits mit anderem Inhalt gespeichert; eine Version ist unveränderlich. Laden Sie die Liste unter einer neuen Version hoch.`,
        en: `${record.canonicalVersionUri} is already stored with different content; a version is immutable. Upload the list as a new version.`,
      });
    }
    if (created) this.catalog.remember(list, record.genericodeSha256);
    return { created, list: stored };
  }

  list(canonicalUri?: string): Promise<CodeListSummary[]> {
    return this.lists.list(canonicalUri);
  }

  async get(canonicalVersionUri: string): Promise<CodeListDetailDto> {
    return this.lists.transaction(async (manager) => {
      const found = await this.lists.findSummary(canonicalVersionUri, manager);
      if (!found) throw ProblemException.notFound(TEXT.list);
      return { ...found, usedBy: await this.pins.schemasUsing(manager, canonicalVersionUri) };
    });
  }

  /** The genericode document as uploaded. */
  async genericode(canonicalVersionUri: string): Promise<Buffer> {
    const gzip = await this.lists.genericodeGzip(canonicalVersionUri);
    if (gzip === undefined) throw ProblemException.notFound(TEXT.list);
    return gunzipSync(gzip);
  }

  /** Deletes a version no stored schema is pinned to; names the schemas otherwise (409). */
  async delete(canonicalVersionUri: string, actor: { actorKey: string; tenant: string }): Promise<void> {
    const deleted = await this.lists.transaction(async (manager) => {
      const found = await this.lists.lockForDelete(manager, canonicalVersionUri);
      if (!found) throw ProblemException.notFound(TEXT.list);
      const usedBy = await this.pins.schemasUsing(manager, canonicalVersionUri);
      if (usedBy.length > 0) {
        const names = usedBy.map((s) => `${s.schemaId} ${s.version}`).join(', ');
        throw new ProblemException({
          status: 409,
          code: 'code-list-in-use',
          title: TEXT.pinned,
          detail: {
            de: `${canonicalVersionUri} ist in diesen gespeicherten Schemaversionen festgelegt und kann nicht gelöscht werden: ${names}.`,
            en: `${canonicalVersionUri} is pinned by these stored schema versions and cannot be deleted: ${names}.`,
          },
          extensions: { usedBy },
        });
      }
      await this.lists.delete(manager, canonicalVersionUri);
      await this.audit.record(manager, {
        ...actor,
        action: 'code-list.delete',
        target: `code-list:${canonicalVersionUri}`,
        details: { sha256: found.genericodeSha256 },
      });
      return found;
    });
    this.catalog.forget(deleted.canonicalVersionUri, deleted.genericodeSha256);
  }
}
