import { Module } from '@nestjs/common';
import { RoutesModule } from '../routes/routes.module';
import { MessagesConsumer } from './messages.consumer';
import { MessagesController } from './messages.controller';
import { MessageIntakeRepository } from './message-intake.repository';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { RoutingEvents } from './routing-events';

@Module({
  imports: [RoutesModule],
  controllers: [MessagesController],
  providers: [MessageIntakeRepository, MessagesRepository, MessagesService, MessagesConsumer, RoutingEvents],
  exports: [MessagesService, RoutingEvents],
})
export class MessagesModule {}
