import { Module } from '@nestjs/common';
import { MandatesConsumer } from './mandates.consumer';
import { MandatesRepository } from './mandates.repository';
import { RepresentationService } from './mandates.service';

/**
 * Keeps a service's copy of representation mandates from `amtsbote.accounts.v1` and answers "may this
 * caller act for / see that owner". The service's migration must call createMandateProjectionTable.
 */
@Module({
  providers: [MandatesRepository, MandatesConsumer, RepresentationService],
  exports: [RepresentationService, MandatesRepository],
})
export class MandateProjectionModule {}
