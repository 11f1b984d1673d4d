import { Module } from '@nestjs/common';
import { SchemasModule } from '../schemas/schemas.module';
import { FimXmlFormat } from './fim-xml.format';
import { FitConnectJsonFormat } from './fit-connect-json.format';
import { FormatRegistry, MESSAGE_FORMATS } from './format-registry';
import type { MessageFormat } from './message-format';
import { MessageBuilder } from './message-builder';
import { SchemaBundleCheck } from './schema-check';
import { XdomeaFormat } from './xdomea.format';

/** The message formats. A new format is one file and one entry here. */
const FORMATS = [XdomeaFormat, FimXmlFormat, FitConnectJsonFormat];

@Module({
  imports: [SchemasModule],
  providers: [
    ...FORMATS,
    { provide: MESSAGE_FORMATS, useFactory: (...formats: MessageFormat[]) => formats, inject: FORMATS },
    FormatRegistry,
    MessageBuilder,
    SchemaBundleCheck,
  ],
  exports: [MessageBuilder, FormatRegistry],
})
export class FormatsModule {}
