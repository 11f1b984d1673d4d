import { MandateProjectionModule } from '@amtsbote/messaging';
import { Module } from '@nestjs/common';
import { AccessService } from './access.service';

/** Ownership and representation checks every citizen-facing feature uses. */
@Module({
  imports: [MandateProjectionModule],
  providers: [AccessService],
  exports: [AccessService],
})
export class CommonModule {}
