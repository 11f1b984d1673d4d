import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';
import { AccountsPostkorb1732300000000 } from './database/migrations/1732300000000-accounts-postkorb';

export const SERVICE_NAME = 'accounts';
export const DATABASE_SCHEMA = 'accounts';
export const MIGRATIONS = [Init1732200000000, AccountsPostkorb1732300000000];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote accounts',
  description:
    'Citizen and organisation accounts, representation mandates and the Postkorb (messages, notices, replies).',
};
