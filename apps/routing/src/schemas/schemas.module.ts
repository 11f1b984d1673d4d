import { Module } from '@nestjs/common';
import { SchemasConsumer } from './schemas.consumer';
import { SchemasController } from './schemas.controller';
import { SchemasRepository } from './schemas.repository';
import { SchemasService } from './schemas.service';

@Module({
  controllers: [SchemasController],
  providers: [SchemasRepository, SchemasService, SchemasConsumer],
  exports: [SchemasService],
})
export class SchemasModule {}
