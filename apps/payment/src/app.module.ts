import { ALL_TOPICS } from '@amtsbote/contracts';
import { serviceCoreImports } from '@amtsbote/messaging';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuditLogEntity } from './audit/audit.entity';
import { AuditModule } from './audit/audit.module';
import type { PaymentConfig } from './config';
import { FeeScheduleEntity } from './fees/fees.entity';
import { FeesModule } from './fees/fees.module';
import { PaymentsModule } from './payments/payments.module';
import { SubmissionEntity, TransactionEntity } from './payments/payments.entity';
import { ProviderConfigEntity } from './providers/providers.entity';
import { ProvidersModule } from './providers/providers.module';
import { DATABASE_SCHEMA, SERVICE_NAME } from './service';

export const PAYMENT_ENTITIES = [
  AuditLogEntity,
  FeeScheduleEntity,
  ProviderConfigEntity,
  SubmissionEntity,
  TransactionEntity,
];

@Module({})
export class AppModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceCoreImports({
          service: SERVICE_NAME,
          schema: DATABASE_SCHEMA,
          config,
          entities: PAYMENT_ENTITIES,
          topics: [...ALL_TOPICS],
        }),
        AuditModule,
        FeesModule,
        ProvidersModule,
        PaymentsModule,
      ],
    };
  }
}
