import type { EventContract } from './contract';
import * as events from './events';

/** Every contract by its CloudEvents type, so consumers can validate what they receive. */
export const EVENT_CONTRACTS: ReadonlyMap<string, EventContract> = new Map(
  Object.values(events as Record<string, unknown>)
    .filter((v): v is EventContract => typeof v === 'object' && v !== null && 'type' in v && 'topic' in v)
    .map((c) => [c.type, c]),
);

export function contractFor(type: string): EventContract | undefined {
  return EVENT_CONTRACTS.get(type);
}
