import {
  type ActingParty,
  type ListScope,
  listScope,
  maySeeOwner,
  resolveActingParty,
} from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { MandatesRepository } from './mandates.repository';

/** Representation checks against the service's mandate projection (no call to accounts). */
@Injectable()
export class RepresentationService {
  constructor(private readonly mandates: MandatesRepository) {}

  async actingParty(callerKey: string, actFor: string | undefined, leikaKey?: string): Promise<ActingParty> {
    if (!actFor || actFor === callerKey) return { ownerKey: callerKey };
    return resolveActingParty(callerKey, actFor, await this.mandates.forRepresentative(callerKey), leikaKey);
  }

  /** Whose things a list shows and of which Leistungen (a scoped mandate shows only its Leistungen). */
  async listScope(callerKey: string, actFor: string | undefined): Promise<ListScope> {
    if (!actFor || actFor === callerKey) return { ownerKey: callerKey, leikaScope: null };
    return listScope(callerKey, actFor, await this.mandates.forRepresentative(callerKey));
  }

  async maySee(callerKey: string, ownerKey: string | null, leikaKey?: string): Promise<boolean> {
    if (ownerKey !== null && ownerKey === callerKey) return true;
    return maySeeOwner(callerKey, ownerKey, await this.mandates.forRepresentative(callerKey), leikaKey);
  }

  /** Owner keys the caller may read for (themself plus organisations with a current mandate). */
  async visibleOwners(callerKey: string): Promise<string[]> {
    const now = new Date();
    const orgs = (await this.mandates.forRepresentative(callerKey))
      .filter((m) => maySeeOwner(callerKey, m.organisationKey, [m], undefined, now))
      .map((m) => m.organisationKey);
    return [callerKey, ...new Set(orgs)];
  }
}
