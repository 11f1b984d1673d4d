import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { FilesModule } from '../files/files.module';
import { FormatsModule } from '../formats/formats.module';
import { MessagesModule } from '../messages/messages.module';
import { AttachmentFetcher } from './attachment-fetcher';
import { DeliveryService } from './delivery.service';
import { DeliveryWorker } from './delivery.worker';
import { MaintenanceService } from './maintenance.service';
import { PushClient } from './push-client';

@Module({
  imports: [DestinationsModule, MessagesModule, FormatsModule, FilesModule],
  providers: [AttachmentFetcher, PushClient, DeliveryService, DeliveryWorker, MaintenanceService],
  exports: [MaintenanceService, DeliveryService],
})
export class DeliveryModule {}
