import { baseConfigShape, env } from '@amtsbote/platform';
import { z } from 'zod';

export const routingConfigSchema = z.object({
  ...baseConfigShape,
  PORT: env.port().default(3004),
});

export type RoutingConfig = z.infer<typeof routingConfigSchema>;
