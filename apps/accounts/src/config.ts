import { baseConfigShape, env } from '@amtsbote/platform';
import { z } from 'zod';

export const accountsConfigSchema = z.object({
  ...baseConfigShape,
  PORT: env.port().default(3002),
});

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
