import { Module } from '@nestjs/common';
import { UnroutableController } from './unroutable.controller';
import { UnroutableRepository } from './unroutable.repository';
import { UnroutableService } from './unroutable.service';

@Module({
  controllers: [UnroutableController],
  providers: [UnroutableRepository, UnroutableService],
})
export class UnroutableModule {}
