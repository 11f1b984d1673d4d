import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ActivityController, MandatesController, RepresentationsController } from './mandates.controller';
import { MandatesRepository } from './mandates.repository';
import { MandatesService } from './mandates.service';
import { RepresentationService } from './representation.service';

@Module({
  imports: [AccountsModule],
  controllers: [MandatesController, RepresentationsController, ActivityController],
  providers: [MandatesRepository, MandatesService, RepresentationService],
  exports: [MandatesRepository, MandatesService, RepresentationService],
})
export class RepresentationModule {}
