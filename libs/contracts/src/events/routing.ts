import { z } from 'zod';
import { defineEvent } from '../contract';
import { TOPICS } from '../topics';
import { bilingual, fileReference, tenantId } from './shared';

const ref = {
  submissionId: z.string().uuid(),
  vorgangsnummer: z.string(),
  tenant: tenantId,
};

const authority = z.object({ destinationId: z.string(), name: z.string(), identity: z.string() });

export const routingRoutedV1 = defineEvent(
  'de.amtsbote.routing.routed.v1',
  TOPICS.routing,
  z.object({ ...ref, messageId: z.string().uuid(), authority, format: z.string(), channel: z.string() }),
  'The responsible authority was found and the message built and validated.',
);

export const routingDeliveredV1 = defineEvent(
  'de.amtsbote.routing.delivered.v1',
  TOPICS.routing,
  z.object({ ...ref, messageId: z.string().uuid(), authority, deliveredAt: z.string().datetime() }),
  'The Fachverfahren has the message (push acknowledged, or pull accepted).',
);

export const routingStatusV1 = defineEvent(
  'de.amtsbote.routing.status.v1',
  TOPICS.routing,
  z.object({
    ...ref,
    messageId: z.string().uuid(),
    authority,
    status: z.enum(['RECEIVED', 'PROCESSING', 'ACTION_REQUIRED', 'COMPLETED', 'REJECTED']),
    /** Text from the authority to the citizen (required for ACTION_REQUIRED and REJECTED). */
    message: z.string().max(10000).optional(),
    at: z.string().datetime(),
  }),
  'The Fachverfahren reported receipt or processing status.',
);

export const routingReplyV1 = defineEvent(
  'de.amtsbote.routing.reply.v1',
  TOPICS.routing,
  z.object({
    ...ref,
    replyId: z.string().uuid(),
    authority,
    kind: z.enum(['BESCHEID', 'MESSAGE']),
    subject: z.string().max(255),
    body: z.string().max(100000),
    attachments: z.array(fileReference),
    at: z.string().datetime(),
  }),
  'The authority sent the citizen a message or a notice (Bescheid).',
);

export const routingFailedV1 = defineEvent(
  'de.amtsbote.routing.failed.v1',
  TOPICS.routing,
  z.object({
    ...ref,
    code: z.enum(['NO_AUTHORITY', 'INVALID_MESSAGE', 'UNDELIVERABLE', 'NOT_FETCHED', 'REJECTED']),
    reason: bilingual,
    at: z.string().datetime(),
  }),
  'The submission could not be brought to an authority; the citizen is told in plain language.',
);

export const routingAlertV1 = defineEvent(
  'de.amtsbote.routing.alert.v1',
  TOPICS.routing,
  z.object({
    destinationId: z.string(),
    contact: z.string().max(500),
    kind: z.enum(['DEAD_LETTER', 'NOT_FETCHED']),
    submissionId: z.string().uuid(),
    messageId: z.string().uuid(),
    detail: z.string().max(5000),
    at: z.string().datetime(),
  }),
  "A destination's contact must act: a delivery is dead-lettered or a pull message was not fetched.",
);
