import { buildFitConnectSubmission, type CompiledJsonSchema, fitConnectMetadataSchema } from '@amtsbote/xoev';
import { Injectable } from '@nestjs/common';
import type { FormatChecks, FormatInput, FormattedMessage, MessageFormat } from './message-format';

/**
 * `fit-connect-json`: the form data as JSON, checked against the FIM schema, with FIT-Connect metadata
 * validated against `metadata.schema.v1.0.0.json`; attachments travel beside it.
 */
@Injectable()
export class FitConnectJsonFormat implements MessageFormat {
  readonly name = 'fit-connect-json';
  readonly mediaType = 'application/json';
  readonly schemaBundles = ['fitconnect-metadata-1.0.0'];
  private metadataSchema?: CompiledJsonSchema;

  build(input: FormatInput, checks: FormatChecks): Promise<FormattedMessage> {
    checks.fimData(input.fim, input.submission.data);
    const submission = buildFitConnectSubmission(input.common, { replyHost: input.publicUrl });
    this.metadataSchema ??= fitConnectMetadataSchema(input.schemaDir);
    checks.json(this.metadataSchema, submission.metadata, 'fitconnect-metadata');
    return Promise.resolve({
      payload: Buffer.from(submission.data, 'utf8'),
      payloadFilename: 'data.json',
      mediaType: this.mediaType,
      metadata: Buffer.from(JSON.stringify(submission.metadata), 'utf8'),
      separate: input.attachments,
    });
  }
}
