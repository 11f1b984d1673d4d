import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PostkorbRepository } from '../postkorb/postkorb.repository';
import { ProjectionsConsumer } from './projections.consumer';
import { ProjectionsRepository } from './projections.repository';
import { ProjectionsService } from './projections.service';

@Module({
  imports: [NotificationsModule],
  providers: [ProjectionsRepository, ProjectionsService, ProjectionsConsumer, PostkorbRepository],
  exports: [ProjectionsRepository],
})
export class ProjectionsModule {}
