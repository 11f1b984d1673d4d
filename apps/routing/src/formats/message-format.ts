import type { ReplyPublicKey } from '../common/reply-keys';
import type {
  CompiledJsonSchema,
  PreparedFimSchema,
  SchemaSet,
  SubmissionMessageInput,
} from '@amtsbote/xoev';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { AttachmentRecord, MessageRecord, SubmissionInput } from '../messages/messages.types';

/** What a format is given to build the message of one submission for one destination. */
export interface FormatInput {
  message: MessageRecord;
  submission: SubmissionInput;
  destination: DestinationRecord;
  /**
   * The FIM schema of the submission as routing received it from the catalog: the parsed schema, its data
   * validator (`validator`) and the XSD exported from it (`fimDataSchemaSet(fim)`). Each format takes what
   * it needs; the schema's arrival is what every submission message waits for.
   */
  fim: PreparedFimSchema;
  /** The fields every XÖV builder of `@amtsbote/xoev` takes (ids, Leistung, sender, recipient, attachments). */
  common: SubmissionMessageInput;
  /** The attachments, with routing's copies of their content. */
  attachments: AttachmentRecord[];
  /** Where replies can reach Amtsbote (FIT-Connect's reply channel). */
  publicUrl: string;
  /** The current public key of the installation's FIT-Connect reply destination, when configured. */
  fitConnectReplyKey?: ReplyPublicKey;
  /** `XOEV_SCHEMA_DIR`: the official schema bundles. */
  schemaDir: string;
}

/**
 * Validation before anything is sent: each check records its report and throws (the message becomes the
 * dead letter INVALID_MESSAGE with the reports) when it fails. Schema sets are compiled once and reused.
 */
export interface FormatChecks {
  /** Against an XSD set (libxml2-wasm). */
  xml(set: SchemaSet, xml: string): Promise<void>;
  /** Against a JSON Schema (ajv); `schema` names it in metrics and reports. */
  json(compiled: CompiledJsonSchema, value: unknown, schema: string): void;
  /** The form data against the FIM schema (the FIM engine). */
  fimData(fim: PreparedFimSchema, data: Record<string, unknown>): void;
}

/** The built plaintext; the builder encrypts it to the destination's key and checks the size limits. */
export interface FormattedMessage {
  payload: Buffer;
  payloadFilename: string;
  /** Media type of `payload` (before encryption). */
  mediaType: string;
  /** JSON metadata delivered beside the payload, or null. */
  metadata: Buffer | null;
  /** Attachments delivered beside the payload; the others travel inside it (as in the xdomea ZIP). */
  separate: AttachmentRecord[];
}

/**
 * A message format for submissions. One file per format, registered in `formats.module.ts`; destinations
 * name it in `format` (stored as text: no migration per format).
 */
export interface MessageFormat {
  /** The name destinations use (`xdomea-3.0`, …). */
  readonly name: string;
  /** Media type of the payload it builds. */
  readonly mediaType: string;
  /** The official schema bundles (`@amtsbote/xoev`'s `checkSchemaDir` ids) it validates against. */
  readonly schemaBundles: readonly string[];
  /** Builds the message and validates every part with `checks` before returning it. */
  build(input: FormatInput, checks: FormatChecks): Promise<FormattedMessage>;
}
