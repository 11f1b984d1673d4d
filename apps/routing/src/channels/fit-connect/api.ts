import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A destination's FIT-Connect settings (`channelSettings` of a `fit-connect` destination). */
export interface FitConnectSettings {
  /** The FIT-Connect destination (Zustellpunkt) id. */
  destinationId: string;
  /** The Zustelldienst's Submission API base URL (without `/v2`). */
  submissionApiUrl: string;
  /** The OAuth 2.0 token endpoint. */
  tokenUrl: string;
  clientId: string;
  /** File name in ROUTING_FITCONNECT_SECRETS_DIR holding the client secret (never the secret itself). */
  clientSecretRef: string;
  /** Space-separated scopes to ask for; without it the client's registered scopes are granted. */
  scope?: string;
  /** `2.1.0` (default) or `1.0.0`. */
  metadataVersion?: string;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  /** The first 1000 characters of the body (for reports). */
  text: string;
  /** The whole body (JWE downloads). */
  raw: string;
  retryAfterSeconds?: number;
}

/** The Zustelldienst could not be reached or answered 5xx/429: try again later. */
export class Unavailable extends Error {
  override name = 'FitConnectUnavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Renew this long before the token expires, so no request carries a token that runs out on the way. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * The HTTP side of the Submission API v2 for one routing process: OAuth 2.0 client credentials
 * (`client_secret_post`) with the token cached per token URL and client until shortly before it expires;
 * a 401 drops the cached token and the request is sent once more with a fresh one.
 */
export class SubmissionApi {
  private readonly tokens = new Map<string, CachedToken>();
  /** Token requests under way: concurrent deliveries wait for the same one instead of asking again. */
  private readonly pending = new Map<string, Promise<string>>();
  /** Token requests made (tests and metrics: the cache works). */
  tokenRequests = 0;

  constructor(
    private readonly secretsDir: string | undefined,
    private readonly timeoutMs: number,
  ) {}

  secret(ref: string): string {
    if (this.secretsDir === undefined)
      throw new Error('ROUTING_FITCONNECT_SECRETS_DIR is not set: the FIT-Connect client secret is unknown');
    return readFileSync(join(this.secretsDir, ref), 'utf8').trim();
  }

  private token(s: FitConnectSettings, signal: AbortSignal): Promise<string> {
    const key = `${s.tokenUrl}|${s.clientId}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - TOKEN_MARGIN_MS > Date.now()) return Promise.resolve(cached.token);
    let pending = this.pending.get(key);
    if (pending === undefined) {
      // Every delivery carries the worker's one shutdown signal, so sharing the request loses nothing.
      pending = this.requestToken(s, key, signal).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async requestToken(s: FitConnectSettings, key: string, signal: AbortSignal): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: s.clientId,
      client_secret: this.secret(s.clientSecretRef),
      ...(s.scope ? { scope: s.scope } : {}),
    });
    this.tokenRequests++;
    const answer = await this.send(s.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal,
    });
    const body = answer.body as { access_token?: string; expires_in?: number };
    // The body of a refused token request may echo the form (and so the secret): never log it.
    if (answer.status !== 200 || typeof body.access_token !== 'string')
      throw new Error(`the token endpoint answered HTTP ${answer.status}`);
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 300;
    this.tokens.set(key, { token: body.access_token, expiresAt: Date.now() + expiresIn * 1000 });
    return body.access_token;
  }

  /** One Submission API request with the sender's token; 5xx, 429 and network errors throw {@link Unavailable}. */
  async call<T = unknown>(
    s: FitConnectSettings,
    method: string,
    path: string,
    signal: AbortSignal,
    body?: { json?: unknown; jose?: string },
  ): Promise<ApiAnswer<T>> {
    const url = `${s.submissionApiUrl.replace(/\/$/, '')}${path}`;
    for (let attempt = 1; ; attempt++) {
      const token = await this.token(s, signal);
      const answer = await this.send<T>(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body?.json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(body?.jose !== undefined ? { 'content-type': 'application/jose' } : {}),
        },
        body: body?.json !== undefined ? JSON.stringify(body.json) : body?.jose,
        signal,
      });
      if (answer.status === 401 && attempt === 1) {
        this.tokens.delete(`${s.tokenUrl}|${s.clientId}`);
        continue;
      }
      return answer;
    }
  }

  /** GET of a public resource (the Zustelldienst's JWKS). */
  get<T>(url: string, signal: AbortSignal): Promise<ApiAnswer<T>> {
    return this.send<T>(url, { method: 'GET', headers: { accept: 'application/json' }, signal });
  }

  private async send<T>(url: string, init: RequestInit & { signal: AbortSignal }): Promise<ApiAnswer<T>> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.any([init.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (err) {
      if (init.signal.aborted) throw err;
      throw new Unavailable(`${init.method} ${url} failed: ${(err as Error).message}`);
    }
    const text = await res.text();
    const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
    if (res.status >= 500 || res.status === 429 || res.status === 408)
      throw new Unavailable(`${init.method} ${url}: HTTP ${res.status}`, retryAfterSeconds);
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as T, text: text.slice(0, 1000), raw: text, retryAfterSeconds };
  }
}
