import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { FormatsModule } from '../formats/formats.module';
import { MessagesModule } from '../messages/messages.module';
import { RepliesModule } from '../replies/replies.module';
import { StatusReportsModule } from '../status-reports/status-reports.module';
import { AttachmentFetcher } from './attachment-fetcher';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { DeliveryWorker } from './delivery.worker';
import { DependencyRecovery } from './dependency-recovery';

@Module({
  imports: [
    DestinationsModule,
    MessagesModule,
    FormatsModule,
    ChannelsModule,
    StatusReportsModule,
    RepliesModule,
  ],
  providers: [DeliveryRepository, AttachmentFetcher, DependencyRecovery, DeliveryService, DeliveryWorker],
  exports: [DeliveryService],
})
export class DeliveryModule {}
