import { compactVerify, errors, type JWTVerifyGetKey } from 'jose';
import type { RoutingApiRoute } from './routing-api.answer';

/** Why a route's `destinationSignature` is not trusted; `unavailable` when the keys could not be fetched. */
export type SignatureCheck = { ok: true } | { ok: false; unavailable: boolean; problem: string };

const LEIKA_URN = 'urn:de:fim:leika:leistung:';

/**
 * Checks the `destinationSignature` of a Routing API route: a PS512 JWS by a key of the signer's JWKS
 * (FITKO: the Self-Service-Portal), whose payload names this `destinationId`, the host of the route's
 * `submissionUrl` (`submissionHost`) and, among its `services[].leistungIDs`, the Leistung asked for.
 */
export async function checkDestinationSignature(
  route: RoutingApiRoute,
  leikaKey: string,
  keys: JWTVerifyGetKey,
): Promise<SignatureCheck> {
  if (route.destinationSignature === null)
    return { ok: false, unavailable: false, problem: 'no destinationSignature' };
  let payload: Record<string, unknown>;
  try {
    const verified = await compactVerify(route.destinationSignature, keys, { algorithms: ['PS512'] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
  } catch (err) {
    const refused =
      err instanceof errors.JWSSignatureVerificationFailed ||
      err instanceof errors.JWKSNoMatchingKey ||
      err instanceof errors.JOSEAlgNotAllowed ||
      err instanceof errors.JWSInvalid ||
      err instanceof errors.JOSENotSupported ||
      err instanceof SyntaxError;
    return { ok: false, unavailable: !refused, problem: `destinationSignature: ${(err as Error).name}` };
  }
  const fail = (problem: string): SignatureCheck => ({ ok: false, unavailable: false, problem });
  if (payload.destinationId !== route.destinationId) return fail('signed destinationId differs');
  if (payload.submissionHost !== new URL(route.submissionUrl).host)
    return fail('signed submissionHost differs');
  const services = Array.isArray(payload.services) ? (payload.services as unknown[]) : [];
  const offers = services.some(
    (s) =>
      typeof s === 'object' &&
      s !== null &&
      Array.isArray((s as { leistungIDs?: unknown }).leistungIDs) &&
      (s as { leistungIDs: unknown[] }).leistungIDs.includes(`${LEIKA_URN}${leikaKey}`),
  );
  if (!offers) return fail('signed services do not name the Leistung');
  return { ok: true };
}
