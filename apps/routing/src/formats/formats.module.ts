import { Module } from '@nestjs/common';
import { SchemasModule } from '../schemas/schemas.module';
import { MessageBuilder } from './message-builder';
import { SchemaBundleCheck } from './schema-check';

@Module({
  imports: [SchemasModule],
  providers: [MessageBuilder, SchemaBundleCheck],
  exports: [MessageBuilder],
})
export class FormatsModule {}
