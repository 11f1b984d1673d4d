import type { EventContract } from './contract';
import * as events from './events';

/** Every contract by its CloudEvents type, so consumers can validate what they receive. */
export const EVENT_CONTRACTS: ReadonlyMap<string, EventContract> = new Map(
  Object.values(events as Record<string, EventContract>).map((c) => [c.type, c]),
);

export function contractFor(type: string): EventContract | undefined {
  return EVENT_CONTRACTS.get(type);
}
