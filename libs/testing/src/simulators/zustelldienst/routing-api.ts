import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CompactSign, type KeyObject } from 'jose';

/** A row of the simulated Routing API's table: a Zustellpunkt serving a Leistung in a region. */
export interface SimulatedRoute {
  leikaKey: string;
  /** ARS prefix (2, 3, 5, 9 or 12 digits) the Zustellpunkt is responsible for. */
  ars: string;
  destinationId: string;
  destinationName?: string;
  /** Defaults to the simulator's own Submission API. */
  submissionUrl?: string;
  status?: 'active' | 'inactive';
  /** Sign `destinationSignature` with a key not in the JWKS (a forged route). */
  forged?: boolean;
}

const LEIKA = /^\d{14}$/;
const ARS = /^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$/;

type Send = (status: number, body?: unknown) => void;
type Problem = (status: number, title: string) => void;

/**
 * The Routing API half (FITKO routing-api 1.x, `GET /v1/routes`): answers from a configured table which
 * Zustellpunkt serves a Leistung (`leikaKey`) for a region (`ars`; the most specific ARS prefix wins), as
 * `{count, offset, totalCount, routes: [{destinationId, destinationSignature, destinationParameters,
 * destinationName}]}`. Exactly one area parameter, as the published description demands; `ags` and
 * `areaId` are not simulated. `destinationSignature` is a PS512 JWS by the simulator's key (its
 * `/.well-known/jwks.json`), over `destinationId`, `submissionHost` and the `services` (FITKO's claims).
 */
export class RoutingDirectory {
  readonly routes: SimulatedRoute[] = [];
  /** Lookups answered (any status). */
  lookups = 0;
  private outage = { remaining: 0, status: 503 };

  constructor(
    private readonly o: { submissionUrl: string; signingKey: KeyObject; kid: string; issuer: string },
  ) {}

  add(route: SimulatedRoute): void {
    this.routes.push(route);
  }

  /** The next `n` lookups answer `status`; `Infinity` until `restore()`. */
  failNext(n: number, status = 503): void {
    this.outage = { remaining: n, status };
  }

  restore(): void {
    this.outage = { remaining: 0, status: 503 };
  }

  async handle(req: IncomingMessage, send: Send, problem: Problem): Promise<void> {
    this.lookups++;
    if (req.method !== 'GET') return problem(405, 'method not allowed');
    if (this.outage.remaining > 0) {
      this.outage.remaining--;
      return problem(this.outage.status, 'Routingdienst nicht verfügbar (simuliert)');
    }
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const leikaKey = q.get('leikaKey') ?? '';
    const areas = ['ars', 'ags', 'areaId'].filter((k) => q.has(k));
    const ars = q.get('ars') ?? '';
    if (!LEIKA.test(leikaKey) || areas.length !== 1 || areas[0] !== 'ars' || !ARS.test(ars))
      return problem(400, 'leikaKey und genau ein Gebietsparameter (ars) erwartet');
    const matching = this.routes.filter((r) => r.leikaKey === leikaKey && ars.startsWith(r.ars));
    const longest = Math.max(0, ...matching.map((r) => r.ars.length));
    const chosen = matching.filter((r) => r.ars.length === longest);
    const routes = await Promise.all(chosen.map((r) => this.route(r)));
    send(200, { count: routes.length, offset: 0, totalCount: routes.length, routes });
  }

  private async route(r: SimulatedRoute) {
    const submissionUrl = r.submissionUrl ?? this.o.submissionUrl;
    const signature = await new CompactSign(
      Buffer.from(
        JSON.stringify({
          iss: this.o.issuer,
          iat: Math.floor(Date.now() / 1000),
          destinationId: r.destinationId,
          submissionHost: new URL(submissionUrl).host,
          services: [
            {
              gebietIDs: [`urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:${r.ars}`],
              leistungIDs: [`urn:de:fim:leika:leistung:${r.leikaKey}`],
            },
          ],
        }),
      ),
    )
      .setProtectedHeader({ alg: 'PS512', typ: 'JWT', kid: this.o.kid })
      .sign(r.forged ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : this.o.signingKey);
    return {
      destinationId: r.destinationId,
      destinationSignature: signature,
      destinationParameters: { submissionUrl, status: r.status ?? 'active' },
      destinationName: r.destinationName ?? `Zustellpunkt ${r.destinationId.slice(0, 8)}`,
    };
  }
}
