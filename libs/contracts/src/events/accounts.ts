import { z } from 'zod';
import { defineEvent } from '../contract';
import { TOPICS } from '../topics';
import { accountKey, leikaKey } from './shared';

export const mandateGrantedV1 = defineEvent(
  'de.amtsbote.accounts.mandate-granted.v1',
  TOPICS.accounts,
  z.object({
    mandateId: z.string().uuid(),
    organisationKey: accountKey,
    representativeKey: accountKey,
    /** Leistungen the mandate covers; null means all. */
    leikaKeys: z.array(leikaKey).nullable(),
    validFrom: z.string().datetime(),
    validUntil: z.string().datetime().nullable(),
  }),
  'An organisation allowed a person or organisation to act for it.',
);

export const mandateRevokedV1 = defineEvent(
  'de.amtsbote.accounts.mandate-revoked.v1',
  TOPICS.accounts,
  z.object({ mandateId: z.string().uuid(), revokedAt: z.string().datetime() }),
  'A representation mandate was revoked.',
);

export const accountDeletedV1 = defineEvent(
  'de.amtsbote.accounts.account-deleted.v1',
  TOPICS.accounts,
  z.object({ accountKey, deletedAt: z.string().datetime() }),
  'An account was erased (GDPR); later messages for it are dropped.',
);
