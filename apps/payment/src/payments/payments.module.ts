import { MandateProjectionModule } from '@amtsbote/messaging';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeesModule } from '../fees/fees.module';
import { ProvidersModule } from '../providers/providers.module';
import { CallbacksController } from './callbacks.controller';
import { ConfirmationService } from './confirmation.service';
import { PaymentsConsumer } from './payments.consumer';
import { PaymentsController } from './payments.controller';
import { SubmissionEntity, TransactionEntity } from './payments.entity';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { ReconciliationScheduler } from './reconciliation.scheduler';

/** Submissions' fees, the citizen's payment flow, server-side confirmation and reconciliation. */
@Module({
  imports: [
    TypeOrmModule.forFeature([SubmissionEntity, TransactionEntity]),
    FeesModule,
    ProvidersModule,
    MandateProjectionModule,
  ],
  controllers: [PaymentsController, CallbacksController],
  providers: [
    PaymentsRepository,
    PaymentsService,
    ConfirmationService,
    PaymentsConsumer,
    ReconciliationScheduler,
  ],
  exports: [ReconciliationScheduler],
})
export class PaymentsModule {}
