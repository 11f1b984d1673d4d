import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { DraftsModule } from '../drafts/drafts.module';
import { FimSchemasModule } from '../fim-schemas/fim-schemas.module';
import { LeistungenModule } from '../leistungen/leistungen.module';
import { SubmissionData } from './submission-data.service';
import { SubmissionStatusRepository } from './submission-status.repository';
import { SubmissionStatusService } from './submission-status.service';
import { SubmissionsConsumer } from './submissions.consumer';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsRepository } from './submissions.repository';
import { SubmissionsService } from './submissions.service';

@Module({
  imports: [CommonModule, DraftsModule, FimSchemasModule, LeistungenModule],
  controllers: [SubmissionsController],
  providers: [
    SubmissionsRepository,
    SubmissionData,
    SubmissionsService,
    SubmissionStatusRepository,
    SubmissionStatusService,
    SubmissionsConsumer,
  ],
  exports: [SubmissionsRepository],
})
export class SubmissionsModule {}
