import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';

export const SERVICE_NAME = 'routing';
export const DATABASE_SCHEMA = 'routing';
export const MIGRATIONS = [Init1732200000000];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote routing',
  description:
    'Zuständigkeit, XÖV messages and delivery to Fachverfahren (push and pull), receipts and replies.',
};
