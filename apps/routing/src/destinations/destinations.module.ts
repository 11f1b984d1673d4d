import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { FormatsModule } from '../formats/formats.module';
import { DestinationsController } from './destinations.controller';
import { DestinationsRepository } from './destinations.repository';
import { DestinationsService } from './destinations.service';

@Module({
  imports: [ChannelsModule, FormatsModule],
  controllers: [DestinationsController],
  providers: [DestinationsRepository, DestinationsService],
  exports: [DestinationsService, DestinationsRepository],
})
export class DestinationsModule {}
