import { RepresentationService } from '@amtsbote/messaging';
import {
  insufficientTrustLevel,
  type ListScope,
  type Principal,
  principalKey,
  ProblemException,
  type TrustLevel,
} from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { tokenMatches } from './secrets';

/** Who asks, as the controllers hand it to the services. */
export interface Caller {
  principal?: Principal;
  /** `X-Act-For`: the organisation the caller acts for. */
  actFor?: string;
  /** An anonymous access token (`X-Draft-Token` or `X-Receipt-Token`). */
  token?: string;
  /** The client's address (as the ingress reports it), for limits on anonymous callers. */
  address?: string;
}

/** What a protected resource says about its owner. */
export interface Owned {
  ownerKey: string | null;
  tokenSha256: string | null;
  leikaKey: string;
}

export interface ActingAs {
  /** Owner of what is created (the organisation when acting for one). */
  ownerKey: string | null;
  actedByKey?: string;
  kind: 'person' | 'organisation' | 'anonymous';
  trustLevel: number;
}

/**
 * Ownership checks shared by drafts, attachments and submissions: the owner, an authorised representative
 * (mandate projection) or the holder of the resource's anonymous token. Anything else is "not found".
 */
@Injectable()
export class AccessService {
  constructor(private readonly representation: RepresentationService) {}

  /** The party a new draft or submission belongs to. */
  async actingAs(caller: Caller, leikaKey?: string): Promise<ActingAs> {
    const p = caller.principal;
    if (!p) return { ownerKey: null, kind: 'anonymous', trustLevel: 0 };
    assertNoClient(p);
    const callerKey = principalKey(p);
    const party = await this.representation.actingParty(callerKey, caller.actFor, leikaKey);
    if (party.actedByKey !== undefined) {
      return {
        ownerKey: party.ownerKey,
        actedByKey: party.actedByKey,
        kind: 'organisation',
        trustLevel: p.trustLevel,
      };
    }
    return {
      ownerKey: callerKey,
      kind: p.kind === 'organisation' ? 'organisation' : 'person',
      trustLevel: p.trustLevel,
    };
  }

  /**
   * Whose drafts or submissions a list shows, and of which Leistungen: with `X-Act-For` only those the
   * caller's mandates cover. Undefined for anonymous callers (they list nothing).
   */
  async listScope(caller: Caller): Promise<ListScope | undefined> {
    const p = caller.principal;
    if (!p) return undefined;
    assertNoClient(p);
    return this.representation.listScope(principalKey(p), caller.actFor);
  }

  /**
   * A signed-in caller below the Leistung's trust level may not start, fill in or attach files to an
   * application they could not submit (anonymous callers only reach Leistungen that allow them).
   */
  assertTrustLevel(caller: Caller, leistung: { minTrustLevel: number }): void {
    const p = caller.principal;
    if (p && p.trustLevel < leistung.minTrustLevel) {
      throw insufficientTrustLevel(leistung.minTrustLevel as TrustLevel, p.trustLevel);
    }
  }

  /** May the caller read or change the resource? */
  async mayAccess(caller: Caller, resource: Owned): Promise<boolean> {
    if (resource.ownerKey === null) return tokenMatches(caller.token, resource.tokenSha256);
    const p = caller.principal;
    if (!p) return false;
    const callerKey = principalKey(p);
    if (caller.actFor !== undefined && caller.actFor !== callerKey) {
      try {
        const party = await this.representation.actingParty(callerKey, caller.actFor, resource.leikaKey);
        return party.ownerKey === resource.ownerKey;
      } catch {
        return false;
      }
    }
    return this.representation.maySee(callerKey, resource.ownerKey, resource.leikaKey);
  }

  /** Throws the 404 every foreign or missing resource gets. */
  async assertAccess(
    caller: Caller,
    resource: Owned | undefined,
    what: { de: string; en: string },
  ): Promise<void> {
    if (resource === undefined || !(await this.mayAccess(caller, resource)))
      throw ProblemException.notFound(what);
  }
}

function assertNoClient(p: Principal): void {
  if (p.kind === 'client') {
    throw ProblemException.forbidden({
      de: 'Anträge stellen nur Personen und Organisationen, keine technischen Clients.',
      en: 'Only persons and organisations submit applications, not technical clients.',
    });
  }
}
