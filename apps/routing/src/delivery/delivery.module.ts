import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { FormatsModule } from '../formats/formats.module';
import { MessagesModule } from '../messages/messages.module';
import { AttachmentFetcher } from './attachment-fetcher';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryService } from './delivery.service';
import { DeliveryWorker } from './delivery.worker';
import { PushClient } from './push-client';

@Module({
  imports: [DestinationsModule, MessagesModule, FormatsModule],
  providers: [DeliveryRepository, AttachmentFetcher, PushClient, DeliveryService, DeliveryWorker],
  exports: [DeliveryService],
})
export class DeliveryModule {}
