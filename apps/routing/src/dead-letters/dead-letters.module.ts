import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { MessagesModule } from '../messages/messages.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersRepository } from './dead-letters.repository';
import { DeadLettersService } from './dead-letters.service';

@Module({
  imports: [DestinationsModule, MessagesModule, ChannelsModule],
  controllers: [DeadLettersController],
  providers: [DeadLettersRepository, DeadLettersService],
})
export class DeadLettersModule {}
