// The service as a value, for the migration runner, tests and the demo (importing it does not start it).
import { AppModule } from './app.module';
import { routingConfigSchema } from './config';
import { DATABASE_SCHEMA, MIGRATIONS, SERVICE } from './service';

export { AppModule } from './app.module';
export { routingConfigSchema, type RoutingConfig } from './config';
export { DATABASE_SCHEMA, MIGRATIONS, SERVICE } from './service';

export const routingService = {
  service: SERVICE,
  configSchema: routingConfigSchema,
  schema: DATABASE_SCHEMA,
  migrations: MIGRATIONS,
  module: AppModule.forRoot.bind(AppModule),
};
