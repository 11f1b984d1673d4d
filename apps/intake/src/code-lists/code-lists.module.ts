import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CodeListCatalog } from './code-list-catalog.service';
import { CodeListPinsRepository } from './code-list-pins.repository';
import { CodeListSourcesRepository } from './code-list-sources.repository';
import { CodeListsController } from './code-lists.controller';
import { CodeListsRepository } from './code-lists.repository';
import { CodeListsService } from './code-lists.service';

@Module({
  imports: [AuditModule],
  controllers: [CodeListsController],
  providers: [
    CodeListsRepository,
    CodeListSourcesRepository,
    CodeListPinsRepository,
    CodeListCatalog,
    CodeListsService,
  ],
  exports: [CodeListCatalog, CodeListPinsRepository],
})
export class CodeListsModule {}
