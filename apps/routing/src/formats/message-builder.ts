import { FimExportError } from '@amtsbote/fim';
import {
  type CompiledJsonSchema,
  type PreparedFimSchema,
  SchemaSetCache,
  type SchemaSet,
  sha512Hex,
  type SubmissionMessageInput,
  summarizeReport,
  type ValidationReport,
} from '@amtsbote/xoev';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { routingMetrics } from '../common/metrics';
import { RoutingSettings } from '../common/settings';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { BuiltMessage } from '../messages/message-rows';
import type {
  AttachmentRecord,
  CitizenReplyInput,
  DeadLetterReport,
  MessageRecord,
  SubmissionInput,
} from '../messages/messages.types';
import { SchemasService, SchemaUnusableError } from '../schemas/schemas.service';
import { FormatRegistry } from './format-registry';
import { encryptTo } from './jwe';
import type { FormatChecks } from './message-format';

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
 * Builds the message in the destination's format (a `MessageFormat` plug-in) and has it validated
 * against the official schemas before anything is sent; encrypts payload and attachments when the
 * destination has a key; enforces the size limit. Schema sets are compiled once (libxml2-wasm) and reused.
 */
@Injectable()
export class MessageBuilder implements OnModuleDestroy {
  private readonly schemaSets = new SchemaSetCache();
  private readonly metrics = routingMetrics();

  constructor(
    private readonly settings: RoutingSettings,
    private readonly schemas: SchemasService,
    private readonly formats: FormatRegistry,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.schemaSets.dispose();
  }

  /** The checks a format validates with: reports are collected, metrics labelled with the format. */
  private checks(format: string, reports: ValidationReport[]): FormatChecks {
    const record = (report: ValidationReport) => {
      reports.push(report);
      if (!report.valid) throw new InvalidMessage(reports, summarizeReport(report));
    };
    return {
      xml: async (set: SchemaSet, xml: string) => {
        const report = (await this.schemaSets.get(set)).validateSync(xml);
        this.metrics.validation.observe({ format, schema: set.id.split(':')[0] }, report.durationMs / 1000);
        record(report);
      },
      json: (compiled: CompiledJsonSchema, value: unknown, schema: string) => {
        const report = compiled.validate(value);
        this.metrics.validation.observe({ format, schema }, report.durationMs / 1000);
        record(report);
      },
      fimData: (fim: PreparedFimSchema, data: Record<string, unknown>) => {
        const result = fim.validator.validate(data);
        if (result.valid) return;
        record({
          valid: false,
          validator: '@amtsbote/fim',
          schema: `fim:${fim.key}`,
          issues: result.errors
            .slice(0, 50)
            .map((e) => ({ level: 'error', message: `${e.path} ${e.message.en}`, path: e.path })),
          durationMs: 0,
        });
      },
    };
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
    const format = this.formats.get(d.format);
    let fim: PreparedFimSchema;
    try {
      fim = await this.schemas.get(s.fimSchema.id, s.fimSchema.version);
    } catch (err) {
      if (err instanceof SchemaUnusableError) throw new InvalidMessage([], err.message);
      throw err;
    }
    const reports: ValidationReport[] = [];
    const built = await format.build(
      {
        message: m,
        submission: s,
        destination: d,
        fim,
        common: this.messageInput(m, s, fim, d, attachments),
        attachments,
        publicUrl: this.settings.publicUrl(),
        fitConnectReplyKey: this.settings.fitConnectReplyKeys?.current,
        schemaDir: this.settings.schemaDir,
      },
      this.checks(d.format, reports),
    );
    return {
      payload: built.payload,
      payloadFilename: built.payloadFilename,
      payloadMediaType: built.mediaType,
      metadata: built.metadata,
      separate: built.separate,
      reports,
    };
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
