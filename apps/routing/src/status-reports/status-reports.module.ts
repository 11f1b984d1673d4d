import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { StatusReportsRepository } from './status-reports.repository';
import { StatusReportsService } from './status-reports.service';

/** Receipts and status reports of Fachverfahren: from the back channel, or from a channel's transport. */
@Module({
  imports: [MessagesModule],
  providers: [StatusReportsRepository, StatusReportsService],
  exports: [StatusReportsService],
})
export class StatusReportsModule {}
