import { z } from 'zod';
import { defineEvent } from '../contract';
import { TOPICS } from '../topics';

/** A synthetic event operators (and the demo) send through the backbone to prove the event path works. */
export const diagnosticsEchoV1 = defineEvent(
  'de.amtsbote.diagnostics.echo.v1',
  TOPICS.diagnostics,
  z.object({
    echoId: z.string().uuid(),
    message: z.string().max(200),
    sentBy: z.string().max(100),
    sentAt: z.string().datetime(),
  }),
  'An operator probe: every service records that it received it.',
);
