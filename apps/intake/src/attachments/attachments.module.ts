import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { DraftsModule } from '../drafts/drafts.module';
import { LeistungenModule } from '../leistungen/leistungen.module';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { HttpBodySetup } from './http-body.setup';

@Module({
  imports: [CommonModule, DraftsModule, LeistungenModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsRepository, AttachmentsService, HttpBodySetup],
  exports: [AttachmentsRepository],
})
export class AttachmentsModule {}
