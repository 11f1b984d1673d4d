import { ALL_TOPICS } from '@amtsbote/contracts';
import { serviceCoreImports } from '@amtsbote/messaging';
import { type DynamicModule, Module } from '@nestjs/common';
import { AttachmentRecord } from './attachments/attachments.entity';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuditEntry } from './audit/audit.entity';
import { AuditModule } from './audit/audit.module';
import { CodeListRecord, FimSchemaCodeList } from './code-lists/code-lists.entity';
import { CodeListsModule } from './code-lists/code-lists.module';
import { CommonModule } from './common/common.module';
import type { IntakeConfig } from './config';
import { Draft } from './drafts/drafts.entity';
import { DraftsModule } from './drafts/drafts.module';
import { FimSchemaRecord } from './fim-schemas/fim-schemas.entity';
import { FimSchemasModule } from './fim-schemas/fim-schemas.module';
import { FormsModule } from './forms/forms.module';
import { Leistung } from './leistungen/leistungen.entity';
import { LeistungenModule } from './leistungen/leistungen.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { DATABASE_SCHEMA, SERVICE_NAME } from './service';
import {
  IdempotencyRecord,
  Submission,
  SubmissionStatusEntry,
  VorgangsnummerCounter,
} from './submissions/submissions.entity';
import { intakeFileStore } from './storage/file-store';
import { SubmissionsModule } from './submissions/submissions.module';
import { Tenant } from './tenants/tenants.entity';
import { TenantsModule } from './tenants/tenants.module';

export const INTAKE_ENTITIES = [
  Tenant,
  FimSchemaRecord,
  CodeListRecord,
  FimSchemaCodeList,
  Leistung,
  AuditEntry,
  Draft,
  AttachmentRecord,
  Submission,
  SubmissionStatusEntry,
  IdempotencyRecord,
  VorgangsnummerCounter,
];

@Module({})
export class AppModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceCoreImports({
          service: SERVICE_NAME,
          schema: DATABASE_SCHEMA,
          config,
          entities: INTAKE_ENTITIES,
          topics: [...ALL_TOPICS],
        }),
        intakeFileStore(),
        CommonModule,
        AuditModule,
        TenantsModule,
        CodeListsModule,
        FimSchemasModule,
        LeistungenModule,
        FormsModule,
        DraftsModule,
        AttachmentsModule,
        SubmissionsModule,
        MaintenanceModule,
      ],
    };
  }
}
