import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';
import { Payment1733400000000 } from './database/migrations/1733400000000-payment';

export const SERVICE_NAME = 'payment';
export const DATABASE_SCHEMA = 'payment';
export const MIGRATIONS = [Init1732200000000, Payment1733400000000];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote payment',
  description: 'Fees and e-payment with XBezahldienste-style providers, confirmed server-side.',
};
