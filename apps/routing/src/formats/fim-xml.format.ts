import { buildFimMessage, fimMessageSchemaSet } from '@amtsbote/xoev';
import { Injectable } from '@nestjs/common';
import type { FormatChecks, FormatInput, FormattedMessage, MessageFormat } from './message-format';

/**
 * `fim-xml`: the XÖV message `fim.antrag.0001` (Basisnachricht G2G 1.1 header, the form data as FIM-XML),
 * validated against the header XSD and the FIM schema's XSD; attachments travel beside it.
 */
@Injectable()
export class FimXmlFormat implements MessageFormat {
  readonly name = 'fim-xml';
  readonly mediaType = 'application/xml';
  readonly schemaBundles = ['xoev-basisnachricht-g2g-1.1'];

  async build(input: FormatInput, checks: FormatChecks): Promise<FormattedMessage> {
    const xml = buildFimMessage(input.fim, input.common);
    await checks.xml(fimMessageSchemaSet(input.fim, input.schemaDir), xml);
    return {
      payload: Buffer.from(xml, 'utf8'),
      payloadFilename: `${input.message.id}_fim.antrag.0001.xml`,
      mediaType: this.mediaType,
      metadata: null,
      separate: input.attachments,
    };
  }
}
