import 'reflect-metadata';
import { databaseUrl, loadConfigOrExit, migrationConfigSchema, runMigrationsMain } from '@amtsbote/platform';
import { DATABASE_SCHEMA, MIGRATIONS, SERVICE_NAME } from './service';

const config = loadConfigOrExit(SERVICE_NAME, migrationConfigSchema);
void runMigrationsMain(
  {
    service: SERVICE_NAME,
    schema: DATABASE_SCHEMA,
    entities: [],
    migrations: MIGRATIONS,
    ssl: config.DATABASE_SSL,
  },
  databaseUrl(config),
);
