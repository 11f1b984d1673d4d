import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { RepliesModule } from '../replies/replies.module';
import { StatusReportsModule } from '../status-reports/status-reports.module';
import { ClientScopeGuard } from './client-scope.guard';
import { FachverfahrenController } from './fachverfahren.controller';
import { MailboxRepository } from './mailbox.repository';
import { FachverfahrenService } from './fachverfahren.service';

@Module({
  imports: [
    DestinationsModule,
    MessagesModule,
    FilesModule,
    StatusReportsModule,
    DeliveryModule,
    ChannelsModule,
    RepliesModule,
  ],
  controllers: [FachverfahrenController],
  providers: [MailboxRepository, FachverfahrenService, ClientScopeGuard],
})
export class FachverfahrenModule {}
