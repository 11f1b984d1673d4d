/**
 * The answer of FIT-Connect's Routing API (`GET /routes?leikaKey=…&ars=…`, routing-api 1.x as FITKO publishes
 * it): `{count, offset, totalCount, routes: [{destinationId, destinationSignature, destinationParameters:
 * {submissionUrl, status, encryptionKid, metadataVersions, submissionSchemas, …}, destinationName, …}]}`.
 * Parsed defensively: what routing relies on is checked, everything else is ignored.
 */
import { httpUrl } from '../../common/http-url';

/** A usable route of the answer: where the responsible Zustellpunkt is and who it is. */
export interface RoutingApiRoute {
  destinationId: string;
  submissionUrl: string;
  destinationName: string | null;
  /** The JWS the Routing API signs the route with (kept for the record; see docs/fachverfahren.md §4a). */
  destinationSignature: string | null;
}

export type RoutingApiAnswer =
  | { kind: 'found'; route: RoutingApiRoute }
  | { kind: 'none' }
  /** More than one Zustellpunkt: routing never guesses. */
  | { kind: 'ambiguous'; destinationIds: string[] }
  /** Not the documented shape: treated like an outage of the Routing API, never as "no route". */
  | { kind: 'invalid'; problem: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A route of the answer, or why it cannot be used. */
function routeOf(r: unknown, i: number): RoutingApiRoute | string {
  if (!isObject(r)) return `routes[${i}] is not an object`;
  if (typeof r.destinationId !== 'string' || !UUID.test(r.destinationId))
    return `routes[${i}].destinationId is not a UUID`;
  const params = r.destinationParameters;
  if (!isObject(params)) return `routes[${i}].destinationParameters missing`;
  const submissionUrl = httpUrl(params.submissionUrl);
  if (submissionUrl === undefined)
    return `routes[${i}].destinationParameters.submissionUrl is not an http(s) URL`;
  if (params.status !== undefined && params.status !== 'active') return 'inactive';
  return {
    destinationId: r.destinationId.toLowerCase(),
    submissionUrl,
    destinationName:
      typeof r.destinationName === 'string' && r.destinationName.trim() !== ''
        ? r.destinationName.trim().slice(0, 255)
        : null,
    destinationSignature: typeof r.destinationSignature === 'string' ? r.destinationSignature : null,
  };
}

/** Reads a 200 answer of `GET /routes`. Inactive Zustellpunkte are left out (as if not listed). */
export function parseRoutingApiAnswer(body: unknown): RoutingApiAnswer {
  if (!isObject(body) || !Array.isArray(body.routes)) return { kind: 'invalid', problem: 'routes[] missing' };
  const usable: RoutingApiRoute[] = [];
  for (const [i, r] of body.routes.entries()) {
    const route = routeOf(r, i);
    if (route === 'inactive') continue;
    if (typeof route === 'string') return { kind: 'invalid', problem: route };
    if (!usable.some((u) => u.destinationId === route.destinationId)) usable.push(route);
  }
  if (usable.length === 0) return { kind: 'none' };
  if (usable.length > 1) return { kind: 'ambiguous', destinationIds: usable.map((u) => u.destinationId) };
  return { kind: 'found', route: usable[0] };
}
