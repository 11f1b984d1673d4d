import {
  catalogCodeListPublishedV1,
  catalogSchemaPublishedV2,
  type EventPayload,
  MAX_INLINE_GZIP_BASE64,
  toInlineDocument,
} from '@amtsbote/contracts';
import { FimSchemaError, type FimIssue, type FimSchema, tryParseSchema } from '@amtsbote/fim';
import { MAX_EVENT_BYTES, OutboxWriter } from '@amtsbote/messaging';
import { APP_CONFIG, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { CodeListPinsRepository } from '../code-lists/code-list-pins.repository';
import { sha256Hex } from '../common/canonical-json';
import { xmlIssueProblem } from '../common/xml-upload';
import type { IntakeConfig } from '../config';
import { type CodeListPinning, pinCodeLists, unusableProblems } from './code-list-resolution';
import type { FimSchemaDto } from './fim-schemas.dto';
import type { FimSchemaRecord, StoredIssue } from './fim-schemas.entity';
import { FimSchemasRepository, type FimSchemaSummary } from './fim-schemas.repository';
import { FimRuntime } from './fim-runtime.service';

const TEXT = {
  document: { de: 'Ein XDatenfelder-Dokument', en: 'An XDatenfelder document' },
  invalid: { de: 'Das XDatenfelder-Dokument ist ungültig', en: 'The XDatenfelder document is invalid' },
  invalidDetail: {
    de: 'Der Parser hat die aufgeführten Fehler gefunden; das Schema wurde nicht gespeichert.',
    en: 'The parser found the listed errors; the schema was not stored.',
  },
  unusable: { de: 'Das Schema kann nicht durchgesetzt werden', en: 'The schema cannot be enforced' },
  unusableDetail: {
    de: 'Fehlende Codelisten laden Sie über POST /admin/code-lists hoch (oder stellen sie über INTAKE_CODELIST_DIR bereit) oder lassen sie mit allowUnknownCodeLists=true zu. Mit codeListVersions=exact zählen nur die genannten Versionen.',
    en: 'Upload missing code lists with POST /admin/code-lists (or provide them through INTAKE_CODELIST_DIR), or allow them with allowUnknownCodeLists=true. With codeListVersions=exact only the named versions count.',
  },
  tooLargeForEvent: { de: 'Schema zu groß für die Weitergabe', en: 'Schema too large to pass on' },
  deletedMeanwhile: { de: 'Codeliste inzwischen gelöscht', en: 'Code list deleted meanwhile' },
} as const;

function storedIssue(i: FimIssue): StoredIssue {
  // Stored warnings keep the English text they always had (FimIssueDto.message is a string).
  const out: StoredIssue = { code: i.code, message: i.message.en };
  if (i.xmlPath !== undefined) out.xmlPath = i.xmlPath;
  if (i.line !== undefined) out.line = i.line;
  if (i.column !== undefined) out.column = i.column;
  if (i.elementId !== undefined) out.elementId = i.elementId;
  return out;
}

function tooLargeToPassOn(what: string, kib: number): ProblemException {
  return new ProblemException({
    status: 413,
    code: 'fim-schema-too-large-for-routing',
    title: TEXT.tooLargeForEvent,
    detail: {
      de: `${what} ist komprimiert ${kib} KiB groß; ein Katalogereignis trägt höchstens ${Math.floor(MAX_EVENT_BYTES / 1024)} KiB.`,
      en: `${what} is ${kib} KiB compressed; a catalog event carries at most ${Math.floor(MAX_EVENT_BYTES / 1024)} KiB.`,
    },
  });
}

export interface UploadOptions {
  allowUnknownCodeLists: boolean;
  codeListVersions?: 'newest' | 'exact';
  actorKey: string;
  tenant: string;
}

export interface UploadResult {
  created: boolean;
  schema: FimSchemaDto;
}

type NewSchema = Omit<FimSchemaRecord, 'createdAt'>;

@Injectable()
export class FimSchemasService {
  constructor(
    private readonly schemas: FimSchemasRepository,
    private readonly runtime: FimRuntime,
    private readonly pins: CodeListPinsRepository,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxWriter,
    @Inject(APP_CONFIG) private readonly config: IntakeConfig,
  ) {}

  /**
   * Parses, checks and stores an XDatenfelder schema, pinned to the code lists it resolved to. The same id +
   * version again with the same XML is a no-op; with different XML it is refused (versions are immutable).
   * A new version is announced through the outbox (XML compressed, with its pins) so routing can keep its
   * projection and compile it exactly like intake.
   */
  async upload(xml: string, options: UploadOptions): Promise<UploadResult> {
    const schema = this.parse(xml);
    const version = schema.meta.version ?? '';
    const pinning = await this.resolveCodeLists(schema, options);
    const sha = sha256Hex(xml);
    const record: NewSchema = {
      schemaId: schema.meta.id,
      version,
      name: schema.meta.name,
      title: schema.meta.bezeichnungEingabe ?? null,
      generation: schema.generation,
      messageType: schema.messageType,
      xdf: xml,
      xdfSha256: sha,
      allowUnknownCodeLists: options.allowUnknownCodeLists,
      warnings: [...schema.warnings.map(storedIssue), ...pinning.warnings],
      codeListPins: pinning.pins,
      codeLists: pinning.resolutions,
      uploadedBy: options.actorKey,
      uploadedByTenant: options.tenant,
    };
    const events = this.events(record, pinning);
    const created = await this.schemas.transaction(async (manager) => {
      if (!(await this.schemas.insertIfAbsent(manager, record))) return false;
      await this.pin(manager, record, pinning);
      await this.audit.record(manager, {
        actorKey: options.actorKey,
        tenant: options.tenant,
        action: 'fim-schema.upload',
        target: `fim-schema:${record.schemaId}@${version}`,
        details: { generation: record.generation, xdfSha256: sha, name: record.name },
      });
      await this.outbox.addMany(
        manager,
        events.map((e) => ({ ...e, tenant: options.tenant })),
      );
      return true;
    });
    const stored = await this.schemas.findSummary(record.schemaId, version);
    if (!stored) throw new Error('stored schema vanished');
    if (!created && stored.xdfSha256 !== sha) {
      throw ProblemException.conflict(
        'fim-schema-immutable',
        { de: 'Diese Schemaversion gibt es schon', en: 'This schema version already exists' },
        {
          de: `${record.schemaId} Version ${version} ist bereits mit anderem Inhalt gespeichert; eine Version ist unveränderlich. Laden Sie eine neue Version hoch.`,
          en: `${record.schemaId} version ${version} is already stored with different content; a version is immutable. Upload a new version.`,
        },
      );
    }
    return { created, schema: stored };
  }

  private parse(xml: string): FimSchema {
    const parsed = tryParseSchema(xml);
    const errors = parsed.issues.filter((i) => i.severity === 'error');
    if (!parsed.schema || errors.length > 0) {
      throw ProblemException.unprocessable(
        'fim-schema-invalid',
        TEXT.invalid,
        (errors.length > 0 ? errors : parsed.issues).map((i) => xmlIssueProblem(i, 'XDatenfelder')),
        TEXT.invalidDetail,
      );
    }
    const schema = parsed.schema;
    if (schema.meta.version === undefined || schema.meta.version === '') {
      throw ProblemException.unprocessable(
        'fim-schema-version-missing',
        { de: 'Das Schema hat keine Version', en: 'The schema has no version' },
        [
          {
            path: '/identifikation/version',
            code: 'required',
            message: {
              de: 'Ein Schema im Katalog braucht identifikation/version.',
              en: 'A catalog schema needs identifikation/version.',
            },
            elementId: schema.meta.id,
          },
        ],
      );
    }
    return schema;
  }

  /** Compiles under the resolution rule; refuses a schema that cannot be enforced (422). */
  private async resolveCodeLists(schema: FimSchema, options: UploadOptions): Promise<CodeListPinning> {
    const installation = this.config.INTAKE_CODELIST_VERSIONS;
    if (installation === 'exact' && options.codeListVersions === 'newest') {
      throw ProblemException.badRequest(
        'code-list-versions-exact',
        { de: 'Nur genaue Codelistenversionen', en: 'Exact code-list versions only' },
        [
          {
            path: '/codeListVersions',
            code: 'exact-only',
            message: {
              de: 'Diese Installation verwendet nur die Codelistenversionen, die ein Schema nennt (INTAKE_CODELIST_VERSIONS=exact).',
              en: 'This installation uses only the code-list versions a schema names (INTAKE_CODELIST_VERSIONS=exact).',
            },
          },
        ],
      );
    }
    try {
      const { validator, sources } = await this.runtime.compileUpload(schema, {
        allowUnknownCodeLists: options.allowUnknownCodeLists,
        codeListVersions: options.codeListVersions ?? installation,
      });
      return pinCodeLists(validator.plan.codeLists, sources);
    } catch (err) {
      if (!(err instanceof FimSchemaError)) throw err;
      throw ProblemException.unprocessable(
        'fim-schema-unusable',
        TEXT.unusable,
        unusableProblems(err),
        TEXT.unusableDetail,
      );
    }
  }

  /** The catalog events of a new version; refused (413) before anything is stored if one would not fit. */
  private events(record: NewSchema, pinning: CodeListPinning) {
    const xdf = toInlineDocument(record.xdf);
    const kib = (n: number) => Math.ceil(n / 1024);
    if (xdf.gzip.length > MAX_INLINE_GZIP_BASE64) {
      throw tooLargeToPassOn(`${record.schemaId} ${record.version}`, kib(xdf.gzip.length));
    }
    const schemaEvent: EventPayload<typeof catalogSchemaPublishedV2> = {
      schemaId: record.schemaId,
      version: record.version,
      name: record.name,
      generation: record.generation,
      publishedAt: new Date().toISOString(),
      xdf,
      allowUnknownCodeLists: record.allowUnknownCodeLists,
      codeListPins: pinning.pins,
      codeLists: [
        ...pinning.catalog,
        ...pinning.directory.map((d) => ({
          canonicalVersionUri: d.canonicalVersionUri,
          sha256: d.genericode.sha256,
        })),
      ],
    };
    const size = Buffer.byteLength(JSON.stringify(schemaEvent));
    if (size > MAX_EVENT_BYTES) throw tooLargeToPassOn(`${record.schemaId} ${record.version}`, kib(size));
    // Lists of INTAKE_CODELIST_DIR reach routing with the first schema that uses them (consumers keep one copy).
    const listEvents = pinning.directory.map((d) => {
      if (d.genericode.gzip.length > MAX_INLINE_GZIP_BASE64) {
        throw tooLargeToPassOn(d.canonicalVersionUri, kib(d.genericode.gzip.length));
      }
      return {
        contract: catalogCodeListPublishedV1,
        subject: d.canonicalVersionUri,
        data: {
          canonicalUri: d.canonicalUri,
          version: d.version,
          canonicalVersionUri: d.canonicalVersionUri,
          genericode: d.genericode,
          publishedAt: schemaEvent.publishedAt,
        },
      };
    });
    return [
      ...listEvents,
      {
        contract: catalogSchemaPublishedV2,
        subject: `${record.schemaId}@${record.version}`,
        data: schemaEvent,
      },
    ];
  }

  /** Links the version to the stored lists it uses; a list deleted since the compile makes the upload retryable. */
  private async pin(manager: EntityManager, record: NewSchema, pinning: CodeListPinning): Promise<void> {
    try {
      await this.pins.pin(
        manager,
        { schemaId: record.schemaId, version: record.version },
        pinning.catalog.map((c) => c.canonicalVersionUri),
      );
    } catch (err) {
      if ((err as { code?: string }).code !== '23503') throw err;
      throw ProblemException.conflict('code-list-deleted', TEXT.deletedMeanwhile, {
        de: 'Eine Codeliste, mit der das Schema geprüft wurde, ist während des Uploads gelöscht worden. Laden Sie das Schema erneut hoch.',
        en: 'A code list the schema was checked with was deleted during the upload. Upload the schema again.',
      });
    }
  }

  list(): Promise<FimSchemaSummary[]> {
    return this.schemas.list();
  }

  async get(schemaId: string, version: string): Promise<FimSchemaSummary> {
    const found = await this.schemas.findSummary(schemaId, version);
    if (!found) throw ProblemException.notFound({ de: 'Das FIM-Schema', en: 'The FIM schema' });
    return found;
  }

  async xdf(schemaId: string, version: string): Promise<string> {
    const found = await this.schemas.find(schemaId, version);
    if (!found) throw ProblemException.notFound({ de: 'Das FIM-Schema', en: 'The FIM schema' });
    return found.xdf;
  }
}
