import { type ActingParty, type ListScope, listScope, resolveActingParty } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { MandatesRepository } from './mandates.repository';

/** Whose Postkorb a request reads, and which Leistungen of it the caller may see. */
export type PostkorbAccess = ListScope;

/**
 * accounts' own representation checks. They use the platform's shared helper (the same rules every other
 * service applies to its projection) on accounts' own mandates table, so a revocation counts at once here.
 */
@Injectable()
export class RepresentationService {
  constructor(private readonly mandates: MandatesRepository) {}

  /** Resolves `X-Act-For`; a missing or invalid mandate answers 404 like anything else not visible. */
  async postkorbAccess(callerKey: string, actFor: string | undefined): Promise<PostkorbAccess> {
    if (!actFor || actFor === callerKey) return { ownerKey: callerKey, leikaScope: null };
    return listScope(callerKey, actFor, await this.mandates.forRepresentative(callerKey, actFor));
  }

  /** Acting on something of one Leistung (e.g. a reply): the mandate must cover exactly that Leistung. */
  async actingFor(
    callerKey: string,
    actFor: string | undefined,
    leikaKey: string | null,
  ): Promise<ActingParty> {
    if (!actFor || actFor === callerKey) return { ownerKey: callerKey };
    const mandates = await this.mandates.forRepresentative(callerKey, actFor);
    // Without a known Leistung only an unscoped mandate can cover the action.
    const usable = leikaKey === null ? mandates.filter((m) => m.leikaKeys === null) : mandates;
    return resolveActingParty(callerKey, actFor, usable, leikaKey ?? undefined);
  }
}
