import type { z } from 'zod';
import type { TopicName } from './topics';

/** A versioned event contract: its CloudEvents type, the topic it travels on and its payload schema. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  /** CloudEvents `type`, e.g. `de.amtsbote.submission.submitted.v1`. */
  readonly type: string;
  readonly topic: TopicName;
  readonly schema: S;
  /** One sentence for the contract catalogue in docs. */
  readonly description: string;
}

export type EventPayload<C extends EventContract> = z.infer<C['schema']>;

const TYPE_PATTERN = /^de\.amtsbote\.[a-z-]+\.[a-z-]+(\.[a-z-]+)*\.v\d+$/;

export function defineEvent<S extends z.ZodType>(
  type: string,
  topic: TopicName,
  schema: S,
  description: string,
): EventContract<S> {
  if (!TYPE_PATTERN.test(type))
    throw new Error(`Event type ${type} does not follow de.amtsbote.<domain>.<event>.v<n>`);
  return Object.freeze({ type, topic, schema, description });
}
