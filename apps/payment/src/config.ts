import { baseConfigShape, env } from '@amtsbote/platform';
import { z } from 'zod';

export const paymentConfigSchema = z.object({
  ...baseConfigShape,
  PORT: env.port().default(3003),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;
