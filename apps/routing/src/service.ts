import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';
import { Routing1732300000000 } from './database/migrations/1732300000000-routing';
import { UnroutableList1732400000000 } from './database/migrations/1732400000000-unroutable-list';
import { ChannelPlugins1732500000000 } from './database/migrations/1732500000000-channel-plugins';
import { ReplyFilesInStore1732600000000 } from './database/migrations/1732600000000-reply-files-in-store';
import { FimCodeLists1733100000000 } from './database/migrations/1733100000000-fim-code-lists';
import { RetryWaitingOn1733200000000 } from './database/migrations/1733200000000-retry-waiting-on';
import { RoutingApiSource1733300000000 } from './database/migrations/1733300000000-routing-api-source';

export const SERVICE_NAME = 'routing';
export const DATABASE_SCHEMA = 'routing';
export const MIGRATIONS = [
  Init1732200000000,
  Routing1732300000000,
  UnroutableList1732400000000,
  ChannelPlugins1732500000000,
  ReplyFilesInStore1732600000000,
  FimCodeLists1733100000000,
  RetryWaitingOn1733200000000,
  RoutingApiSource1733300000000,
];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote routing',
  description:
    'Zuständigkeit, XÖV messages and delivery to Fachverfahren (push and pull), receipts and replies.',
};
