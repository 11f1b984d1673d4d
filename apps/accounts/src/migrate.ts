import 'reflect-metadata';
import { migrationMain } from '@amtsbote/platform';
import { DATABASE_SCHEMA, MIGRATIONS, SERVICE_NAME } from './service';

void migrationMain(SERVICE_NAME, DATABASE_SCHEMA, MIGRATIONS);
