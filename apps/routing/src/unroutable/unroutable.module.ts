import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { UnroutableController } from './unroutable.controller';
import { UnroutableService } from './unroutable.service';

@Module({
  imports: [MessagesModule],
  controllers: [UnroutableController],
  providers: [UnroutableService],
})
export class UnroutableModule {}
