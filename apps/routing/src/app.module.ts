import { ALL_TOPICS } from '@amtsbote/contracts';
import { serviceCoreImports } from '@amtsbote/messaging';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { CommonModule } from './common/common.module';
import type { RoutingConfig } from './config';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeliveryModule } from './delivery/delivery.module';
import { DestinationsModule } from './destinations/destinations.module';
import { FachverfahrenModule } from './fachverfahren/fachverfahren.module';
import { FilesModule } from './files/files.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MessagesModule } from './messages/messages.module';
import { RoutesModule } from './routes/routes.module';
import { SchemasModule } from './schemas/schemas.module';
import { StatusReportsModule } from './status-reports/status-reports.module';
import { UnroutableModule } from './unroutable/unroutable.module';
import { DATABASE_SCHEMA, SERVICE_NAME } from './service';

@Module({})
export class AppModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceCoreImports({
          service: SERVICE_NAME,
          schema: DATABASE_SCHEMA,
          config,
          topics: [...ALL_TOPICS],
        }),
        CommonModule,
        AuditModule,
        DestinationsModule,
        RoutesModule,
        SchemasModule,
        MessagesModule,
        FilesModule,
        StatusReportsModule,
        DeliveryModule,
        MaintenanceModule,
        FachverfahrenModule,
        DeadLettersModule,
        UnroutableModule,
      ],
    };
  }
}
