import type { ServiceDescription } from '@amtsbote/platform';
import { Init1732200000000 } from './database/migrations/1732200000000-init';
import { IntakeDomain1732300000000 } from './database/migrations/1732300000000-intake-domain';
import { CodeLists1733100000000 } from './database/migrations/1733100000000-code-lists';
import { AbuseLimits1733600000000 } from './database/migrations/1733600000000-abuse-limits';
import { DigitalBescheidConsent1734000000000 } from './database/migrations/1734000000000-digital-bescheid-consent';

export const SERVICE_NAME = 'intake';
export const DATABASE_SCHEMA = 'intake';
export const MIGRATIONS = [
  Init1732200000000,
  IntakeDomain1732300000000,
  CodeLists1733100000000,
  AbuseLimits1733600000000,
  DigitalBescheidConsent1734000000000,
];

export const SERVICE: ServiceDescription = {
  name: SERVICE_NAME,
  title: 'Amtsbote intake',
  description:
    'Form submissions from citizen portals: catalog, form definitions, drafts, attachments, FIM-validated submissions.\n\n' +
    'A portal: (1) `GET /tenants/{tenant}/leistungen/{leikaKey}/form` for the JSON Schema, UI hints and attachment rules; ' +
    '(2) `POST /drafts` and `PUT /drafts/{id}` to keep the applicant’s progress (field errors come back as you go); ' +
    '(3) `POST /drafts/{id}/attachments` (multipart) for files, referenced in the file fields by `attachmentId`; ' +
    '(4) `POST /submissions` with an `Idempotency-Key` — 201 with Vorgangsnummer and receipt; ' +
    '(5) `GET /submissions/{id}/status` for the timeline. Citizens authenticate with a bearer token of their identity provider; ' +
    'anonymous Leistungen work without one (draft and receipt tokens instead).',
};
