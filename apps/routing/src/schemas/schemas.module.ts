import { Module } from '@nestjs/common';
import { CodeListsRepository } from './code-lists.repository';
import { SchemasConsumer } from './schemas.consumer';
import { SchemasController } from './schemas.controller';
import { SchemasRepository } from './schemas.repository';
import { SchemasService } from './schemas.service';

@Module({
  controllers: [SchemasController],
  providers: [SchemasRepository, CodeListsRepository, SchemasService, SchemasConsumer],
  exports: [SchemasService],
})
export class SchemasModule {}
