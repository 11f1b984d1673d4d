import { FimExportError } from '@amtsbote/fim';
import {
  buildFimMessage,
  buildFitConnectSubmission,
  buildXdomeaMessage,
  type CompiledJsonSchema,
  fimDataSchemaSet,
  fimDataXml,
  fimMessageSchemaSet,
  fitConnectMetadataSchema,
  type PreparedFimSchema,
  SchemaSetCache,
  type SchemaSet,
  sha512Hex,
  type SubmissionMessageInput,
  summarizeReport,
  type ValidationReport,
  xdomeaSchemaSet,
} from '@amtsbote/xoev';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { routingMetrics } from '../common/metrics';
import { RoutingSettings } from '../common/settings';
import type { DestinationRecord, MessageFormat } from '../destinations/destinations.types';
import type { BuiltMessage } from '../messages/message-rows';
import type {
  AttachmentRecord,
  CitizenReplyInput,
  DeadLetterReport,
  MessageRecord,
  SubmissionInput,
} from '../messages/messages.types';
import { SchemasService, SchemaUnusableError } from '../schemas/schemas.service';
import { encryptTo } from './jwe';
import { createZip } from './zip';

export type BuildOutcome =
  | { ok: true; built: BuiltMessage; reports: ValidationReport[] }
  | { ok: false; reason: 'INVALID_MESSAGE' | 'TOO_LARGE'; report: DeadLetterReport };

const PRODUCT_VERSION = '0.1.0';

interface Plain {
  payload: Buffer;
  payloadFilename: string;
  payloadMediaType: string;
  metadata: Buffer | null;
  /** Attachments delivered beside the payload (not inside it). */
  separate: AttachmentRecord[];
  reports: ValidationReport[];
}

class InvalidMessage extends Error {
  constructor(
    readonly reports: ValidationReport[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * Builds the message of a destination's format in TypeScript and validates it against the official
 * schemas before anything is sent; encrypts payload and attachments when the destination has a key.
 * Schema sets are compiled once (libxml2-wasm) and reused.
 */
@Injectable()
export class MessageBuilder implements OnModuleDestroy {
  private readonly schemaSets = new SchemaSetCache();
  private fitConnect?: CompiledJsonSchema;
  private readonly metrics = routingMetrics();

  constructor(
    private readonly settings: RoutingSettings,
    private readonly schemas: SchemasService,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.schemaSets.dispose();
  }

  private async validateXml(format: MessageFormat, set: SchemaSet, xml: string): Promise<ValidationReport> {
    const compiled = await this.schemaSets.get(set);
    const report = compiled.validateSync(xml);
    this.metrics.validation.observe({ format, schema: set.id.split(':')[0] }, report.durationMs / 1000);
    return report;
  }

  private validateMetadata(metadata: unknown): ValidationReport {
    this.fitConnect ??= fitConnectMetadataSchema(this.settings.schemaDir);
    const report = this.fitConnect.validate(metadata);
    this.metrics.validation.observe(
      { format: 'fit-connect-json', schema: 'fitconnect-metadata' },
      report.durationMs / 1000,
    );
    return report;
  }

  private messageInput(
    m: MessageRecord,
    s: SubmissionInput,
    prepared: PreparedFimSchema,
    d: DestinationRecord,
    attachments: AttachmentRecord[],
  ): SubmissionMessageInput {
    const c = this.settings.config;
    return {
      messageId: m.id,
      submissionId: m.submissionId,
      vorgangsnummer: m.vorgangsnummer,
      leikaKey: s.leikaKey,
      leistungName: s.leistungName,
      ars: s.ars,
      submittedAt: s.submittedAt,
      createdAt: new Date().toISOString(),
      applicant: s.applicant,
      schema: prepared.schema,
      data: s.data,
      attachments: attachments.map((a) => ({
        attachmentId: a.attachmentId,
        filename: a.filename,
        mediaType: a.mediaType,
        size: a.size,
        sha512: a.sha512,
      })),
      payment: s.payment,
      sender: { identity: c.ROUTING_AUTHOR_IDENTITY, name: c.ROUTING_AUTHOR_NAME },
      recipient: { identity: d.identity, name: d.name },
      product: { name: 'Amtsbote', vendor: 'Amtsbote', version: PRODUCT_VERSION },
      test: c.ROUTING_TEST_MESSAGES,
    };
  }

  private async submission(
    m: MessageRecord,
    s: SubmissionInput,
    d: DestinationRecord,
    attachments: AttachmentRecord[],
  ): Promise<Plain> {
    let prepared: PreparedFimSchema;
    try {
      prepared = await this.schemas.get(s.fimSchema.id, s.fimSchema.version);
    } catch (err) {
      if (err instanceof SchemaUnusableError) throw new InvalidMessage([], err.message);
      throw err;
    }
    const input = this.messageInput(m, s, prepared, d, attachments);
    const check = (report: ValidationReport, reports: ValidationReport[]) => {
      reports.push(report);
      if (!report.valid) throw new InvalidMessage(reports, summarizeReport(report));
    };
    const reports: ValidationReport[] = [];
    switch (d.format) {
      case 'xdomea-3.0': {
        const message = buildXdomeaMessage(input);
        check(
          await this.validateXml(d.format, xdomeaSchemaSet(this.settings.schemaDir), message.xml),
          reports,
        );
        const antrag = fimDataXml(prepared, s.data);
        check(await this.validateXml(d.format, fimDataSchemaSet(prepared), antrag), reports);
        const payload = createZip(
          [
            { name: message.messageFile, data: Buffer.from(message.xml, 'utf8') },
            { name: message.antragFile.name, data: Buffer.from(antrag, 'utf8') },
            ...attachments.map((a, i) => ({ name: message.attachmentFiles[i].name, data: a.content! })),
          ],
          new Date(input.createdAt),
        );
        return {
          payload,
          payloadFilename: message.zipName,
          payloadMediaType: 'application/zip',
          metadata: null,
          separate: [],
          reports,
        };
      }
      case 'fim-xml': {
        const xml = buildFimMessage(prepared, input);
        check(
          await this.validateXml(d.format, fimMessageSchemaSet(prepared, this.settings.schemaDir), xml),
          reports,
        );
        return {
          payload: Buffer.from(xml, 'utf8'),
          payloadFilename: `${m.id}_fim.antrag.0001.xml`,
          payloadMediaType: 'application/xml',
          metadata: null,
          separate: attachments,
          reports,
        };
      }
      case 'fit-connect-json': {
        const data = prepared.validator.validate(s.data);
        if (!data.valid) {
          const report: ValidationReport = {
            valid: false,
            validator: '@amtsbote/fim',
            schema: `fim:${prepared.key}`,
            issues: data.errors
              .slice(0, 50)
              .map((e) => ({ level: 'error', message: `${e.path} ${e.message.en}`, path: e.path })),
            durationMs: 0,
          };
          check(report, reports);
        }
        const submission = buildFitConnectSubmission(input, { replyHost: this.settings.publicUrl() });
        check(this.validateMetadata(submission.metadata), reports);
        return {
          payload: Buffer.from(submission.data, 'utf8'),
          payloadFilename: 'data.json',
          payloadMediaType: 'application/json',
          metadata: Buffer.from(JSON.stringify(submission.metadata), 'utf8'),
          separate: attachments,
          reports,
        };
      }
    }
  }

  private citizenReply(m: MessageRecord, r: CitizenReplyInput, attachments: AttachmentRecord[]): Plain {
    const payload = {
      type: 'citizen-reply',
      messageId: m.id,
      replyId: r.replyId,
      submissionId: m.submissionId,
      vorgangsnummer: m.vorgangsnummer,
      inReplyTo: r.inReplyTo ?? null,
      text: r.text,
      at: r.at,
      actedByRepresentative: r.actedByRepresentative,
      attachments: attachments.map((a) => ({
        attachmentId: a.attachmentId,
        filename: a.filename,
        mediaType: a.mediaType,
        size: a.size,
        sha512: a.sha512,
      })),
    };
    return {
      payload: Buffer.from(JSON.stringify(payload), 'utf8'),
      payloadFilename: 'reply.json',
      payloadMediaType: 'application/json',
      metadata: null,
      separate: attachments,
      reports: [],
    };
  }

  /**
   * Builds, validates and (with a key) encrypts. Transient problems (FIM schema not yet received, schema
   * bundle missing) throw; a message that does not validate comes back as INVALID_MESSAGE and is never sent.
   */
  async build(
    m: MessageRecord,
    d: DestinationRecord,
    attachments: AttachmentRecord[],
  ): Promise<BuildOutcome> {
    const start = performance.now();
    let plain: Plain;
    try {
      if (m.input === null)
        throw new InvalidMessage([], 'the message input was purged; it cannot be rebuilt');
      plain =
        m.input.kind === 'submission'
          ? await this.submission(m, m.input, d, attachments)
          : this.citizenReply(m, m.input, attachments);
    } catch (err) {
      if (err instanceof InvalidMessage) {
        return {
          ok: false,
          reason: 'INVALID_MESSAGE',
          report: { summary: err.message, reports: err.reports },
        };
      }
      if (err instanceof FimExportError) {
        return {
          ok: false,
          reason: 'INVALID_MESSAGE',
          report: { summary: `FIM data cannot be written as XML: ${err.message}` },
        };
      }
      throw err;
    }
    const encrypted = d.publicKey !== null;
    const seal = async (bytes: Buffer, mediaType: string): Promise<Buffer> =>
      encrypted ? Buffer.from(await encryptTo(d.publicKey!, bytes, mediaType), 'utf8') : bytes;
    const payload = await seal(plain.payload, plain.payloadMediaType);
    const metadata = plain.metadata === null ? null : await seal(plain.metadata, 'application/json');
    const separate = new Map<string, Buffer>();
    for (const a of plain.separate) separate.set(a.attachmentId, await seal(a.content!, a.mediaType));
    const total =
      payload.length + (metadata?.length ?? 0) + [...separate.values()].reduce((n, b) => n + b.length, 0);
    if (total > d.maxMessageBytes) {
      return {
        ok: false,
        reason: 'TOO_LARGE',
        report: {
          summary: `the message has ${total} bytes, the destination accepts at most ${d.maxMessageBytes}`,
        },
      };
    }
    this.metrics.build.observe(
      { format: m.input.kind === 'submission' ? d.format : 'citizen-reply' },
      (performance.now() - start) / 1000,
    );
    return {
      ok: true,
      reports: plain.reports,
      built: {
        payload,
        payloadFilename: plain.payloadFilename,
        payloadMediaType: plain.payloadMediaType,
        payloadSize: plain.payload.length,
        payloadSha512: sha512Hex(plain.payload),
        metadata,
        encrypted,
        attachments: attachments.map((a) => ({
          attachmentId: a.attachmentId,
          content: separate.get(a.attachmentId) ?? null,
        })),
      },
    };
  }
}
