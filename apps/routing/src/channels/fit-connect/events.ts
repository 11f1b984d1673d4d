import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/** The event types of FIT-Connect's Security Event Tokens routing acts on. */
export const EVENTS = {
  create: 'https://schema.fitko.de/fit-connect/events/create-submission',
  submit: 'https://schema.fitko.de/fit-connect/events/submit-submission',
  accept: 'https://schema.fitko.de/fit-connect/events/accept-submission',
  reject: 'https://schema.fitko.de/fit-connect/events/reject-submission',
  submitReply: 'https://schema.fitko.de/fit-connect/events/submit-reply',
  acceptReply: 'https://schema.fitko.de/fit-connect/events/accept-reply',
} as const;

/** Events about a reply name it in `sub` (`reply:<replyId>`) instead of the submission. */
const ABOUT_REPLY = new Set<string>([EVENTS.submitReply, EVENTS.acceptReply]);
const REPLY_SUBJECT = /^reply:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface VerifiedEvent {
  type: string;
  issuer: string;
  /** The event's own members (`authenticationTags`, `problems` …). */
  payload: Record<string, unknown>;
  /** For events about a reply: its replyId. */
  replyId?: string;
}

export interface EventContext {
  caseId: string;
  submissionId: string;
  destinationId: string;
  /** The Zustelldienst's signature keys (its JWKS). */
  zustelldienstKeys(): Promise<JWK[]>;
  /** A destination's signature key by kid, checked (chain to a trust anchor). */
  destinationKey(kid: string): Promise<JWK>;
}

/** Why a SET is not taken: logged and ignored, never trusted. */
export class UntrustedEvent extends Error {
  override name = 'UntrustedEvent';
}

/** Who may issue which event: the destination's accept and reject, the Zustelldienst's create and submit. */
const ISSUED_BY_DESTINATION = new Set<string>([EVENTS.accept, EVENTS.reject]);

/**
 * Verifies one SET of a case's event log (RFC 8417): `typ` secevent+jwt, PS512 over the key of its issuer
 * (the destination's key for accept/reject, the Zustelldienst's JWKS for its own events), `txn` this case,
 * `sub` this submission, exactly one event of a type that issuer may send.
 */
export async function verifyEvent(set: string, c: EventContext): Promise<VerifiedEvent> {
  let header;
  try {
    header = decodeProtectedHeader(set);
  } catch {
    throw new UntrustedEvent('not a JWS');
  }
  if (header.typ !== 'secevent+jwt') throw new UntrustedEvent(`typ ${String(header.typ)}`);
  if (header.alg !== 'PS512') throw new UntrustedEvent(`alg ${String(header.alg)}`);
  if (typeof header.kid !== 'string') throw new UntrustedEvent('no kid');
  const claims = JSON.parse(Buffer.from(set.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const events = (claims.events ?? {}) as Record<string, Record<string, unknown>>;
  const types = Object.keys(events);
  if (types.length !== 1) throw new UntrustedEvent('not exactly one event');
  const type = types[0];
  const issuer = String(claims.iss);
  const byDestination = ISSUED_BY_DESTINATION.has(type);
  if (byDestination && issuer !== c.destinationId)
    throw new UntrustedEvent(`${type} issued by ${issuer}, not by the destination`);
  let jwk: JWK | undefined;
  if (byDestination) jwk = await c.destinationKey(header.kid);
  else jwk = (await c.zustelldienstKeys()).find((k) => k.kid === header.kid);
  if (jwk === undefined) throw new UntrustedEvent(`unknown kid ${header.kid}`);
  try {
    await compactVerify(set, await importJWK({ ...jwk, alg: 'PS512' }, 'PS512'), { algorithms: ['PS512'] });
  } catch {
    throw new UntrustedEvent('signature does not verify');
  }
  if (claims.txn !== `case:${c.caseId}`) throw new UntrustedEvent(`txn ${String(claims.txn)}`);
  const aboutReply = ABOUT_REPLY.has(type);
  if (aboutReply ? !REPLY_SUBJECT.test(String(claims.sub)) : claims.sub !== `submission:${c.submissionId}`)
    throw new UntrustedEvent(`sub ${String(claims.sub)}`);
  if (typeof claims.jti !== 'string' || typeof claims.iat !== 'number')
    throw new UntrustedEvent('jti or iat missing');
  return {
    type,
    issuer,
    payload: events[type] ?? {},
    ...(aboutReply ? { replyId: String(claims.sub).slice('reply:'.length) } : {}),
  };
}

/** The texts of a reject-submission event's problems (RFC 9457 objects: title, detail). */
export function problemsOf(payload: Record<string, unknown>): string[] {
  const problems = Array.isArray(payload.problems)
    ? (payload.problems as Array<Record<string, unknown>>)
    : [];
  return problems.map((p) =>
    [p.title, p.detail].filter((x): x is string => typeof x === 'string' && x !== '').join(': '),
  );
}
