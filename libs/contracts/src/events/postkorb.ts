import { z } from 'zod';
import { defineEvent } from '../contract';
import { TOPICS } from '../topics';
import { accountKey, fileReference, tenantId } from './shared';

export const postkorbReplySentV1 = defineEvent(
  'de.amtsbote.postkorb.reply-sent.v1',
  TOPICS.postkorb,
  z.object({
    replyId: z.string().uuid(),
    submissionId: z.string().uuid(),
    tenant: tenantId,
    /** The submission's Vorgangsnummer, for the Fachverfahren's reference. */
    vorgangsnummer: z.string().min(1).max(64).optional(),
    /** The authority message answered, if any (routing's `replyId` of a `routing.reply` event). */
    inReplyTo: z.string().uuid().optional(),
    fromKey: accountKey,
    actedByKey: accountKey.optional(),
    text: z.string().max(10000),
    attachments: z.array(fileReference),
    at: z.string().datetime(),
  }),
  "A citizen answered in the Postkorb; routing takes it to the submission's Fachverfahren.",
);
