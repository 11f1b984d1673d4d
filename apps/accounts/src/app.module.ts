import { ALL_TOPICS } from '@amtsbote/contracts';
import { serviceCoreImports } from '@amtsbote/messaging';
import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import type { AccountsConfig } from './config';
import { ErasureModule } from './erasure/erasure.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PostkorbModule } from './postkorb/postkorb.module';
import { ProjectionsModule } from './projections/projections.module';
import { RepresentationModule } from './representation/representation.module';
import { DATABASE_SCHEMA, SERVICE_NAME } from './service';
import { StorageModule } from './storage/storage.module';

@Module({})
export class AppModule {
  static forRoot(config: AccountsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceCoreImports({
          service: SERVICE_NAME,
          schema: DATABASE_SCHEMA,
          config,
          topics: [...ALL_TOPICS],
        }),
        StorageModule,
        AuditModule,
        NotificationsModule,
        AccountsModule,
        RepresentationModule,
        ProjectionsModule,
        PostkorbModule,
        ErasureModule,
      ],
    };
  }
}
