import { baseConfigShape, env } from '@amtsbote/platform';
import { z } from 'zod';

export const intakeConfigSchema = z.object({
  ...baseConfigShape,
  PORT: env.port().default(3001),
});

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
