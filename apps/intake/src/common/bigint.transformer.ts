import type { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; sizes fit a JS number comfortably. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
