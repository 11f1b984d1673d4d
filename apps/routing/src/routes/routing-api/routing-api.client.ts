import { Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { RoutingSettings } from '../../common/settings';
import { parseRoutingApiAnswer, type RoutingApiAnswer, type RoutingApiRoute } from './routing-api.answer';
import { checkDestinationSignature } from './routing-api.signature';

/** A route whose `destinationSignature` does not hold is not used (and remembered like an answer). */
type Cacheable = Exclude<RoutingApiAnswer, { kind: 'invalid' }> | { kind: 'unverified'; problem: string };

export type LookupOutcome = 'hit' | 'cache_hit' | 'miss' | 'ambiguous' | 'unverified' | 'error';

export interface Lookup {
  outcome: LookupOutcome;
  /** The route for `hit` and a `cache_hit` of a route. */
  route?: RoutingApiRoute;
  /** Why the lookup failed (`error`) or was ambiguous; no personal data. */
  problem?: string;
}

/** Bounds the cache: the oldest answer goes first. */
const MAX_CACHED = 10_000;

/**
 * Asks FIT-Connect's Routing API which Zustellpunkt serves a Leistung (LeiKa key) for an ARS, and remembers
 * the answer (a route or none) for `ROUTING_FITCONNECT_ROUTING_API_CACHE_MS`. Failures are never cached and
 * never thrown: the caller decides between the own route table and waiting.
 */
@Injectable()
export class RoutingApiClient {
  private readonly logger = new Logger(RoutingApiClient.name);
  private readonly cache = new Map<string, { answer: Cacheable; until: number }>();

  private readonly keys: JWTVerifyGetKey | undefined;

  constructor(private readonly settings: RoutingSettings) {
    const jwks = settings.config.ROUTING_FITCONNECT_ROUTING_API_JWKS_URL;
    this.keys =
      jwks === undefined
        ? undefined
        : createRemoteJWKSet(new URL(jwks), {
            timeoutDuration: settings.config.ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS,
          });
  }

  /** Whether the installation names a Routing API (`ROUTING_FITCONNECT_ROUTING_API_URL`). */
  get configured(): boolean {
    return this.settings.config.ROUTING_FITCONNECT_ROUTING_API_URL !== undefined;
  }

  async lookup(leikaKey: string, ars: string): Promise<Lookup> {
    const key = `${leikaKey}|${ars}`;
    const cached = this.cache.get(key);
    // Any answer within its TTL is a cache hit; without a route it resolves like the miss it was.
    if (cached !== undefined && cached.until > Date.now())
      return { ...outcomeOf(cached.answer), outcome: 'cache_hit' };
    const asked = await this.ask(leikaKey, ars);
    if (asked.kind === 'invalid') return { outcome: 'error', problem: asked.problem };
    let answer: Cacheable = asked;
    if (asked.kind === 'found' && this.keys !== undefined) {
      const check = await checkDestinationSignature(asked.route, leikaKey, this.keys);
      if (!check.ok && check.unavailable) return { outcome: 'error', problem: check.problem };
      if (!check.ok) {
        this.logger.warn({ problem: check.problem }, 'FIT-Connect Routing API route not trusted');
        answer = { kind: 'unverified', problem: check.problem };
      }
    }
    this.cache.delete(key);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, {
      answer,
      until: Date.now() + this.settings.config.ROUTING_FITCONNECT_ROUTING_API_CACHE_MS,
    });
    return outcomeOf(answer);
  }

  private async ask(leikaKey: string, ars: string): Promise<RoutingApiAnswer> {
    const base = this.settings.config.ROUTING_FITCONNECT_ROUTING_API_URL;
    if (base === undefined) return { kind: 'invalid', problem: 'ROUTING_FITCONNECT_ROUTING_API_URL not set' };
    const url = `${base.replace(/\/+$/, '')}/routes?${new URLSearchParams({ leikaKey, ars }).toString()}`;
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.settings.config.ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS),
        redirect: 'error',
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        return { kind: 'invalid', problem: `HTTP ${res.status}` };
      }
      return parseRoutingApiAnswer(await res.json());
    } catch (err) {
      const problem = (err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message;
      this.logger.warn({ problem }, 'FIT-Connect Routing API lookup failed');
      return { kind: 'invalid', problem };
    }
  }
}

function outcomeOf(answer: Cacheable): Lookup {
  if (answer.kind === 'found') return { outcome: 'hit', route: answer.route };
  if (answer.kind === 'unverified') return { outcome: 'unverified', problem: answer.problem };
  if (answer.kind === 'ambiguous')
    return { outcome: 'ambiguous', problem: `${answer.destinationIds.length} Zustellpunkte` };
  return { outcome: 'miss' };
}
