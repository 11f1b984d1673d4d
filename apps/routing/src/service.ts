import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';
import { Routing1732300000000 } from './database/migrations/1732300000000-routing';
import { UnroutableList1732400000000 } from './database/migrations/1732400000000-unroutable-list';
import { ChannelPlugins1732500000000 } from './database/migrations/1732500000000-channel-plugins';
import { RetryWaitingOn1732650000000 } from './database/migrations/1732650000000-retry-waiting-on';

export const SERVICE_NAME = 'routing';
export const DATABASE_SCHEMA = 'routing';
export const MIGRATIONS = [
  Init1732200000000,
  Routing1732300000000,
  UnroutableList1732400000000,
  ChannelPlugins1732500000000,
  RetryWaitingOn1732650000000,
];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote routing',
  description:
    'Zuständigkeit, XÖV messages and delivery to Fachverfahren (push and pull), receipts and replies.',
  // Replies (Bescheide) carry their attachments base64 in JSON (ROUTING_REPLY_MAX_BYTES) and route imports can be long.
  bodyLimit: 16 * 1024 * 1024,
};
