import { ProblemException } from '../errors';

/** A representation mandate as every service keeps it (projected from accounts' events). */
export interface Mandate {
  mandateId: string;
  organisationKey: string;
  representativeKey: string;
  /** Leistungen covered; null = all. */
  leikaKeys: string[] | null;
  validFrom: Date;
  validUntil: Date | null;
  revokedAt: Date | null;
}

/** The header a portal sends when the signed-in person (or organisation) acts for an organisation. */
export const ACT_FOR_HEADER = 'x-act-for';

export function mandateCovers(
  m: Mandate,
  q: { representativeKey: string; organisationKey: string; leikaKey?: string; at?: Date },
): boolean {
  const at = q.at ?? new Date();
  if (m.representativeKey !== q.representativeKey || m.organisationKey !== q.organisationKey) return false;
  if (m.revokedAt && m.revokedAt <= at) return false;
  if (m.validFrom > at) return false;
  if (m.validUntil && m.validUntil <= at) return false;
  if (m.leikaKeys !== null && q.leikaKey !== undefined && !m.leikaKeys.includes(q.leikaKey)) return false;
  // Without a Leistung in question (e.g. reading the organisation's Postkorb) a scoped mandate still counts.
  return true;
}

/** Who a request acts as: the owner of what it creates or reads, and who really acted. */
export interface ActingParty {
  ownerKey: string;
  actedByKey?: string;
}

/**
 * Resolves `X-Act-For`: without it the caller acts for themself; with it, a valid mandate of that
 * organisation for the caller (and the Leistung, if given) is required. A missing mandate answers 404,
 * like anything else the caller may not see, so the organisation's existence is not revealed.
 */
export function resolveActingParty(
  callerKey: string,
  actFor: string | undefined,
  mandates: readonly Mandate[],
  leikaKey?: string,
  at: Date = new Date(),
): ActingParty {
  if (!actFor || actFor === callerKey) return { ownerKey: callerKey };
  const ok = mandates.some((m) =>
    mandateCovers(m, { representativeKey: callerKey, organisationKey: actFor, leikaKey, at }),
  );
  if (!ok) {
    throw ProblemException.notFound({
      de: 'Die vertretene Organisation',
      en: 'The represented organisation',
    });
  }
  return { ownerKey: actFor, actedByKey: callerKey };
}

/** Whose things a list shows, and of which Leistungen. */
export interface ListScope extends ActingParty {
  /** LeiKa keys the caller may see of the owner's things; null = all (own things, or an unscoped mandate). */
  leikaScope: string[] | null;
}

/**
 * The scope of a list or filter under `X-Act-For`: the caller's own things, or the organisation's within
 * what the caller's current mandates cover — a mandate for Leistung A never shows the organisation's things
 * of Leistung B. No mandate answers 404 (see {@link resolveActingParty}).
 */
export function listScope(
  callerKey: string,
  actFor: string | undefined,
  mandates: readonly Mandate[],
  at: Date = new Date(),
): ListScope {
  if (!actFor || actFor === callerKey) return { ownerKey: callerKey, leikaScope: null };
  const party = resolveActingParty(callerKey, actFor, mandates, undefined, at);
  const covering = mandates.filter((m) =>
    mandateCovers(m, { representativeKey: callerKey, organisationKey: actFor, at }),
  );
  const leikaScope = covering.some((m) => m.leikaKeys === null)
    ? null
    : [...new Set(covering.flatMap((m) => m.leikaKeys ?? []))];
  return { ...party, leikaScope };
}

/** May `callerKey` see things owned by `ownerKey` (own, or by a mandate)? */
export function maySeeOwner(
  callerKey: string,
  ownerKey: string | null,
  mandates: readonly Mandate[],
  leikaKey?: string,
  at: Date = new Date(),
): boolean {
  if (ownerKey === null) return false;
  if (ownerKey === callerKey) return true;
  return mandates.some((m) =>
    mandateCovers(m, { representativeKey: callerKey, organisationKey: ownerKey, leikaKey, at }),
  );
}
