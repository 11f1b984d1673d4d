import { buildXdomeaMessage, fimDataSchemaSet, fimDataXml, xdomeaSchemaSet } from '@amtsbote/xoev';
import { Injectable } from '@nestjs/common';
import type { FormatChecks, FormatInput, FormattedMessage, MessageFormat } from './message-format';
import { createZip } from './zip';

/**
 * `xdomea-3.0`: a Geschaeftsgang.Geschaeftsgang.0201 message in a ZIP with the Antrag as FIM-XML and every
 * attachment. The message is validated against xdomea.xsd 3.0.0, the Antrag against the FIM schema's XSD.
 */
@Injectable()
export class XdomeaFormat implements MessageFormat {
  readonly name = 'xdomea-3.0';
  readonly mediaType = 'application/zip';
  readonly schemaBundles = ['xdomea-3.0.0'];

  async build(input: FormatInput, checks: FormatChecks): Promise<FormattedMessage> {
    const message = buildXdomeaMessage(input.common);
    await checks.xml(xdomeaSchemaSet(input.schemaDir), message.xml);
    const antrag = fimDataXml(input.fim, input.submission.data);
    await checks.xml(fimDataSchemaSet(input.fim), antrag);
    const payload = createZip(
      [
        { name: message.messageFile, data: Buffer.from(message.xml, 'utf8') },
        { name: message.antragFile.name, data: Buffer.from(antrag, 'utf8') },
        ...input.attachments.map((a, i) => ({ name: message.attachmentFiles[i].name, data: a.content! })),
      ],
      new Date(input.common.createdAt),
    );
    return {
      payload,
      payloadFilename: message.zipName,
      mediaType: this.mediaType,
      metadata: null,
      separate: [],
    };
  }
}
