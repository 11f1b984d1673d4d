import { Inject, Injectable } from '@nestjs/common';
import type { ChannelMode, DeliveryChannel } from './delivery-channel';

/** The channels registered in `channels.module.ts`, collected by Nest. */
export const DELIVERY_CHANNELS = Symbol('DELIVERY_CHANNELS');

/** Finds the channel a destination names; the only place that knows which channels exist. */
@Injectable()
export class ChannelRegistry {
  private readonly byName = new Map<string, DeliveryChannel>();

  constructor(@Inject(DELIVERY_CHANNELS) channels: DeliveryChannel[]) {
    for (const c of channels) {
      if (this.byName.has(c.name)) throw new Error(`two delivery channels named ${c.name}`);
      if (c.mode === 'push' && c.deliver === undefined)
        throw new Error(`push channel ${c.name} has no deliver()`);
      this.byName.set(c.name, c);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The channel of that name; throws for a name no channel has (a destination stored before its removal). */
  get(name: string): DeliveryChannel {
    const c = this.byName.get(name);
    if (c === undefined) throw new Error(`no delivery channel ${name} is registered`);
    return c;
  }

  /** Names of the channels of one mode (e.g. the mailbox serves every pull channel). */
  namesOf(mode: ChannelMode): string[] {
    return [...this.byName.values()].filter((c) => c.mode === mode).map((c) => c.name);
  }

  isPull(name: string): boolean {
    return this.byName.get(name)?.mode === 'pull';
  }
}
