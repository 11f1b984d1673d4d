import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { RepliesRepository } from './replies.repository';
import { RepliesService } from './replies.service';

@Module({
  imports: [FilesModule, MessagesModule],
  providers: [RepliesRepository, RepliesService],
  exports: [RepliesService],
})
export class RepliesModule {}
