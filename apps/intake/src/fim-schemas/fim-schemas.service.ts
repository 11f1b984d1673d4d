import { catalogSchemaPublishedV1 } from '@amtsbote/contracts';
import { FimSchemaError, type FimIssue, tryParseSchema } from '@amtsbote/fim';
import { OutboxWriter } from '@amtsbote/messaging';
import { type FieldProblem, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import { sha256Hex } from '../common/canonical-json';
import type { FimSchemaDto } from './fim-schemas.dto';
import type { StoredIssue } from './fim-schemas.entity';
import { FimSchemasRepository, type FimSchemaSummary } from './fim-schemas.repository';
import { FimRuntime } from './fim-runtime.service';

/** The catalog event carries the XML; its contract bounds the size. */
export const MAX_XDF_CHARS = 900_000;

function storedIssue(i: FimIssue): StoredIssue {
  // Stored warnings keep the English text they always had (FimIssueDto.message is a string).
  const out: StoredIssue = { code: i.code, message: i.message.en };
  if (i.xmlPath !== undefined) out.xmlPath = i.xmlPath;
  if (i.line !== undefined) out.line = i.line;
  if (i.column !== undefined) out.column = i.column;
  if (i.elementId !== undefined) out.elementId = i.elementId;
  return out;
}

function issueProblem(i: FimIssue): FieldProblem & { line?: number; column?: number } {
  const where = i.line !== undefined ? ` (Zeile ${i.line}, Spalte ${i.column ?? 0})` : '';
  const whereEn = i.line !== undefined ? ` (line ${i.line}, column ${i.column ?? 0})` : '';
  const p: FieldProblem & { line?: number; column?: number } = {
    path: i.xmlPath ?? '',
    code: i.code,
    message: { de: `XDatenfelder: ${i.message.de}${where}`, en: `XDatenfelder: ${i.message.en}${whereEn}` },
  };
  if (i.elementId !== undefined) p.elementId = i.elementId;
  if (i.line !== undefined) p.line = i.line;
  if (i.column !== undefined) p.column = i.column;
  return p;
}

export interface UploadResult {
  created: boolean;
  schema: FimSchemaDto;
}

@Injectable()
export class FimSchemasService {
  constructor(
    private readonly schemas: FimSchemasRepository,
    private readonly runtime: FimRuntime,
    private readonly audit: AuditRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Parses, checks and stores an XDatenfelder schema. The same id + version again with the same XML is a
   * no-op; with different XML it is refused (versions are immutable). A new version is announced through
   * the outbox so routing can keep its projection.
   */
  async upload(
    xml: string,
    options: { allowUnknownCodeLists: boolean; actorKey: string; tenant: string },
  ): Promise<UploadResult> {
    if (xml.length > MAX_XDF_CHARS) {
      throw new ProblemException({
        status: 413,
        code: 'fim-schema-too-large',
        title: { de: 'Schema zu groß', en: 'Schema too large' },
        detail: {
          de: `Ein XDatenfelder-Dokument darf höchstens ${MAX_XDF_CHARS} Zeichen haben.`,
          en: `An XDatenfelder document may have at most ${MAX_XDF_CHARS} characters.`,
        },
      });
    }
    const parsed = tryParseSchema(xml);
    const errors = parsed.issues.filter((i) => i.severity === 'error');
    if (!parsed.schema || errors.length > 0) {
      throw ProblemException.unprocessable(
        'fim-schema-invalid',
        { de: 'Das XDatenfelder-Dokument ist ungültig', en: 'The XDatenfelder document is invalid' },
        (errors.length > 0 ? errors : parsed.issues).map(issueProblem),
        {
          de: 'Der Parser hat die aufgeführten Fehler gefunden; das Schema wurde nicht gespeichert.',
          en: 'The parser found the listed errors; the schema was not stored.',
        },
      );
    }
    const schema = parsed.schema;
    const version = schema.meta.version;
    if (version === undefined || version === '') {
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
    try {
      this.runtime.compile(schema, options.allowUnknownCodeLists);
    } catch (err) {
      if (!(err instanceof FimSchemaError)) throw err;
      throw ProblemException.unprocessable(
        'fim-schema-unusable',
        { de: 'Das Schema kann nicht durchgesetzt werden', en: 'The schema cannot be enforced' },
        err.problems.map((problem) => ({ path: '', code: 'schema', message: problem })),
        {
          de: 'Fehlende Codelisten können über INTAKE_CODELIST_DIR bereitgestellt oder mit allowUnknownCodeLists=true zugelassen werden.',
          en: 'Missing code lists can be provided through INTAKE_CODELIST_DIR or allowed with allowUnknownCodeLists=true.',
        },
      );
    }

    const sha = sha256Hex(xml);
    const record = {
      schemaId: schema.meta.id,
      version,
      name: schema.meta.name,
      title: schema.meta.bezeichnungEingabe ?? null,
      generation: schema.generation,
      messageType: schema.messageType,
      xdf: xml,
      xdfSha256: sha,
      allowUnknownCodeLists: options.allowUnknownCodeLists,
      warnings: schema.warnings.map(storedIssue),
      uploadedBy: options.actorKey,
      uploadedByTenant: options.tenant,
    };
    const created = await this.schemas.transaction(async (manager) => {
      const inserted = await this.schemas.insertIfAbsent(manager, record);
      if (!inserted) return false;
      await this.audit.record(manager, {
        actorKey: options.actorKey,
        tenant: options.tenant,
        action: 'fim-schema.upload',
        target: `fim-schema:${record.schemaId}@${version}`,
        details: { generation: record.generation, xdfSha256: sha, name: record.name },
      });
      await this.outbox.add(manager, {
        contract: catalogSchemaPublishedV1,
        subject: `${record.schemaId}@${version}`,
        tenant: options.tenant,
        data: {
          schemaId: record.schemaId,
          version,
          xdf: xml,
          publishedAt: new Date().toISOString(),
          generation: record.generation,
          name: record.name,
          xdfSha256: sha,
        },
      });
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
