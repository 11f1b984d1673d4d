import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';

export const SERVICE_NAME = 'intake';
export const DATABASE_SCHEMA = 'intake';
export const MIGRATIONS = [Init1732200000000];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote intake',
  description:
    'Form submissions from citizen portals: catalog, form definitions, drafts, attachments, FIM-validated submissions.',
};
