import { Module } from '@nestjs/common';
import { RoutesModule } from '../routes/routes.module';
import { MessagesConsumer } from './messages.consumer';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { RoutingEvents } from './routing-events';

@Module({
  imports: [RoutesModule],
  controllers: [MessagesController],
  providers: [MessagesRepository, MessagesService, MessagesConsumer, RoutingEvents],
  exports: [MessagesRepository, RoutingEvents],
})
export class MessagesModule {}
