import { z } from 'zod';
import { defineEvent } from '../contract';
import { TOPICS } from '../topics';
import { paymentInformation, tenantId } from './shared';

const ref = { submissionId: z.string().uuid(), tenant: tenantId };
const tx = { ...ref, transactionId: z.string().uuid() };

export const paymentNotRequiredV1 = defineEvent(
  'de.amtsbote.payment.not-required.v1',
  TOPICS.payment,
  z.object(ref),
  'No fee applies to this submission.',
);

export const paymentRequestedV1 = defineEvent(
  'de.amtsbote.payment.requested.v1',
  TOPICS.payment,
  z.object({
    ...tx,
    amountCents: z.number().int().positive(),
    currency: z.literal('EUR'),
    purpose: z.string().max(27),
    expiresAt: z.string().datetime(),
  }),
  'A fee is due; the portal can start the payment.',
);

export const paymentSettledV1 = defineEvent(
  'de.amtsbote.payment.settled.v1',
  TOPICS.payment,
  z.object({
    ...tx,
    amountCents: z.number().int().positive(),
    provider: z.string(),
    paidAt: z.string().datetime(),
    paymentInformation,
  }),
  'The provider confirmed the payment (server-side status query).',
);

export const paymentFailedV1 = defineEvent(
  'de.amtsbote.payment.failed.v1',
  TOPICS.payment,
  z.object({ ...tx, outcome: z.enum(['FAILED', 'CANCELED']), reason: z.string().max(500).optional() }),
  'The provider reported the payment failed or the citizen cancelled it.',
);

export const paymentExpiredV1 = defineEvent(
  'de.amtsbote.payment.expired.v1',
  TOPICS.payment,
  z.object(tx),
  'The payment deadline passed without a confirmed payment.',
);
