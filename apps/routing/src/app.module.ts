import { ALL_TOPICS, TOPICS } from '@amtsbote/contracts';
import { serviceCoreImports } from '@amtsbote/messaging';
import { type DynamicModule, Module } from '@nestjs/common';
import type { RoutingConfig } from './config';
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
          consumes: [TOPICS.submission, TOPICS.postkorb, TOPICS.diagnostics],
          topics: [...ALL_TOPICS],
        }),
      ],
    };
  }
}
