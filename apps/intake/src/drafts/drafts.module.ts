import { Module } from '@nestjs/common';
import { CommonModule } from '../common/common.module';
import { FimSchemasModule } from '../fim-schemas/fim-schemas.module';
import { LeistungenModule } from '../leistungen/leistungen.module';
import { AnonymousQuotasRepository } from './anonymous-quotas.repository';
import { AnonymousQuotas } from './anonymous-quotas.service';
import { DraftsConsumer } from './drafts.consumer';
import { DraftsController } from './drafts.controller';
import { DraftsRepository } from './drafts.repository';
import { DraftsService } from './drafts.service';

@Module({
  imports: [CommonModule, LeistungenModule, FimSchemasModule],
  controllers: [DraftsController],
  providers: [DraftsRepository, DraftsService, DraftsConsumer, AnonymousQuotasRepository, AnonymousQuotas],
  exports: [DraftsService, DraftsRepository, AnonymousQuotas, AnonymousQuotasRepository],
})
export class DraftsModule {}
