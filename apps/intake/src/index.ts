// The service as a value, for the migration runner, tests and the demo (importing it does not start it).
import { AppModule } from './app.module';
import { intakeConfigSchema } from './config';
import { DATABASE_SCHEMA, MIGRATIONS, SERVICE } from './service';

export { AppModule } from './app.module';
export { intakeConfigSchema, type IntakeConfig } from './config';
export { DATABASE_SCHEMA, MIGRATIONS, SERVICE } from './service';

export const intakeService = {
  service: SERVICE,
  configSchema: intakeConfigSchema,
  schema: DATABASE_SCHEMA,
  migrations: MIGRATIONS,
  module: AppModule.forRoot.bind(AppModule),
};
