import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { ClientScopeGuard } from './client-scope.guard';
import { FachverfahrenController } from './fachverfahren.controller';
import { FachverfahrenRepository } from './fachverfahren.repository';
import { FachverfahrenService } from './fachverfahren.service';

@Module({
  imports: [DestinationsModule, MessagesModule, FilesModule],
  controllers: [FachverfahrenController],
  providers: [FachverfahrenRepository, FachverfahrenService, ClientScopeGuard],
})
export class FachverfahrenModule {}
