import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { DraftsModule } from '../drafts/drafts.module';
import { FimSchemasModule } from '../fim-schemas/fim-schemas.module';
import { LeistungenModule } from '../leistungen/leistungen.module';
import { StorageModule } from '../storage/storage.module';
import { SubmissionStatusRepository } from './submission-status.repository';
import { SubmissionStatusService } from './submission-status.service';
import { SubmissionsConsumer } from './submissions.consumer';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsRepository } from './submissions.repository';
import { SubmissionsService } from './submissions.service';

@Module({
  imports: [CommonModule, DraftsModule, FimSchemasModule, LeistungenModule, StorageModule],
  controllers: [SubmissionsController],
  providers: [
    SubmissionsRepository,
    SubmissionsService,
    SubmissionStatusRepository,
    SubmissionStatusService,
    SubmissionsConsumer,
  ],
  exports: [SubmissionsRepository],
})
export class SubmissionsModule {}
