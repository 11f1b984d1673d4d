import {
  AMTSBOTE_REPLY_PROCESS_STANDARD,
  buildFitConnectSubmissionOf,
  type CompiledJsonSchema,
  FIT_CONNECT_METADATA_VERSIONS,
  fitConnectMetadataSchema,
  type FitConnectMetadataVersion,
} from '@amtsbote/xoev';
import { Injectable } from '@nestjs/common';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { FormatChecks, FormatInput, FormattedMessage, MessageFormat } from './message-format';

/**
 * The metadata version a destination asks for in `channelSettings.metadataVersion`: 2.1.0 unless it
 * names 1.0.0 (a 1.x receiver). Channels validate the setting; an unknown value falls back to 2.1.0.
 */
export function metadataVersionOf(d: Pick<DestinationRecord, 'channelSettings'>): FitConnectMetadataVersion {
  const v = d.channelSettings.metadataVersion;
  return FIT_CONNECT_METADATA_VERSIONS.find((x) => x === v) ?? '2.1.0';
}

/**
 * `fit-connect-json`: the form data as JSON, checked against the FIM schema, with FIT-Connect metadata
 * (2.1.0, or 1.0.0 where the destination asks for it) validated against the official schema of that
 * version; attachments travel beside it.
 */
@Injectable()
export class FitConnectJsonFormat implements MessageFormat {
  readonly name = 'fit-connect-json';
  readonly mediaType = 'application/json';
  readonly schemaBundles = ['fitconnect-metadata-2.1.0', 'fitconnect-metadata-1.0.0'];
  private readonly metadataSchemas = new Map<string, CompiledJsonSchema>();

  /** The compiled official metadata schema of a version (compiled once). */
  metadataSchema(schemaDir: string, version: FitConnectMetadataVersion): CompiledJsonSchema {
    let schema = this.metadataSchemas.get(version);
    if (schema === undefined) {
      schema = fitConnectMetadataSchema(schemaDir, version);
      this.metadataSchemas.set(version, schema);
    }
    return schema;
  }

  build(input: FormatInput, checks: FormatChecks): Promise<FormattedMessage> {
    checks.fimData(input.fim, input.submission.data);
    const version = metadataVersionOf(input.destination);
    // Over FIT-Connect itself, the Fachverfahren can answer on the case: offer the installation's reply key.
    const replyKey = input.destination.channel === 'fit-connect' ? input.fitConnectReplyKey : undefined;
    const { idBundDe, digitalBescheidConsent } = input.submission;
    const submission = buildFitConnectSubmissionOf(version, input.common, {
      replyHost: input.publicUrl,
      ...(idBundDe !== undefined || digitalBescheidConsent !== undefined
        ? {
            idBundDe: {
              ...idBundDe,
              ...(digitalBescheidConsent === undefined ? {} : { digitalBescheidConsent }),
            },
          }
        : {}),
      ...(replyKey
        ? {
            fitConnectReply: {
              processStandards: [AMTSBOTE_REPLY_PROCESS_STANDARD],
              encryptionPublicKey: replyKey,
            },
          }
        : {}),
    });
    const schema = this.metadataSchema(input.schemaDir, version);
    checks.json(schema, submission.metadata, schema.schema);
    return Promise.resolve({
      payload: Buffer.from(submission.data, 'utf8'),
      payloadFilename: 'data.json',
      mediaType: this.mediaType,
      metadata: Buffer.from(JSON.stringify(submission.metadata), 'utf8'),
      separate: input.attachments,
    });
  }
}
