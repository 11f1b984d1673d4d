import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PostkorbModule } from '../postkorb/postkorb.module';
import { ProjectionsConsumer } from './projections.consumer';
import { ProjectionsMaintenance } from './projections.maintenance';
import { ProjectionsRepository } from './projections.repository';
import { ProjectionsService } from './projections.service';

@Module({
  imports: [NotificationsModule, PostkorbModule],
  providers: [ProjectionsRepository, ProjectionsService, ProjectionsConsumer, ProjectionsMaintenance],
  exports: [ProjectionsService],
})
export class ProjectionsModule {}
