import { Buffer } from 'node:buffer';
import { base64url, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { stackPaths } from '../stack/paths';
import { DEV_AUDIENCE, DEV_LOGIN_CLIENT_ID, DEV_LOGIN_GRANT_TYPE } from './dev-principals';
import { loadOrCreateSigningJwk } from './signing-key';

export interface MintTokenOptions {
  /** Token lifetime in seconds (1..86400); default the provider's (3600). */
  ttlSeconds?: number;
  /** Resource indicator; default the Amtsbote API (`aud: amtsbote`). */
  resource?: string;
  /** Space-separated scopes of the resource. */
  scope?: string;
}

interface TokenResponse {
  access_token?: string;
  error?: string;
  error_description?: string;
}

const tokenEndpoints = new Map<string, Promise<string>>();

function tokenEndpointOf(issuerUrl: string): Promise<string> {
  let endpoint = tokenEndpoints.get(issuerUrl);
  if (endpoint === undefined) {
    endpoint = (async () => {
      const response = await fetch(
        new URL('.well-known/openid-configuration', `${issuerUrl.replace(/\/$/, '')}/`),
      );
      if (!response.ok) throw new Error(`discovery of ${issuerUrl} failed with HTTP ${response.status}`);
      const metadata = (await response.json()) as { token_endpoint?: unknown };
      if (typeof metadata.token_endpoint !== 'string') throw new Error(`${issuerUrl} has no token_endpoint`);
      return metadata.token_endpoint;
    })();
    // A failed discovery (provider not up yet) must not be cached.
    endpoint.catch(() => tokenEndpoints.delete(issuerUrl));
    tokenEndpoints.set(issuerUrl, endpoint);
  }
  return endpoint;
}

async function requestToken(issuerUrl: string, body: URLSearchParams, headers: Record<string, string> = {}) {
  const response = await fetch(await tokenEndpointOf(issuerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body,
  });
  const result = (await response.json()) as TokenResponse;
  if (!response.ok || typeof result.access_token !== 'string') {
    throw new Error(
      `token request to ${issuerUrl} failed with HTTP ${response.status}: ${result.error ?? ''} ${result.error_description ?? ''}`.trim(),
    );
  }
  return result.access_token;
}

/** Gets a real access token for a seeded (or added) user from the dev provider's token endpoint. */
export function mintToken(issuerUrl: string, username: string, opts: MintTokenOptions = {}): Promise<string> {
  const body = new URLSearchParams({
    grant_type: DEV_LOGIN_GRANT_TYPE,
    client_id: DEV_LOGIN_CLIENT_ID,
    username,
  });
  if (opts.ttlSeconds !== undefined) body.set('expires_in', String(opts.ttlSeconds));
  if (opts.resource !== undefined) body.set('resource', opts.resource);
  if (opts.scope !== undefined) body.set('scope', opts.scope);
  return requestToken(issuerUrl, body);
}

/**
 * Gets a client_credentials access token for a Fachverfahren client (HTTP Basic client authentication).
 * Without `scope` the token carries no scope: ask for what the call needs.
 */
export function clientCredentialsToken(
  issuerUrl: string,
  clientId: string,
  secret: string,
  scope?: string,
): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope !== undefined) body.set('scope', scope);
  // RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
  const credentials = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString(
    'base64',
  );
  return requestToken(issuerUrl, body, { authorization: `Basic ${credentials}` });
}

export interface ForgeTokenOptions {
  /** `kid` in the header; pass the real provider's kid to imitate a key it would pick. Default `forged`. */
  kid?: string;
  /** Lifetime from now in seconds; negative for a token that has already expired. Default 300. */
  expiresInSeconds?: number;
}

let foreignKey: Promise<CryptoKey> | undefined;

/**
 * Signs `claims` with a key no provider publishes: for tests that a verifier refuses a token claiming a trusted
 * issuer but signed by someone else. Defaults `aud` to {@link DEV_AUDIENCE}, `iat` now, `exp` per options.
 */
export async function forgeToken(claims: JWTPayload, opts: ForgeTokenOptions = {}): Promise<string> {
  foreignKey ??= generateKeyPair('RS256').then((pair) => pair.privateKey);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: DEV_AUDIENCE, iat: now, exp: now + (opts.expiresInSeconds ?? 300), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'forged', typ: 'at+jwt' })
    .sign(await foreignKey);
}

/**
 * Signs `claims` with the local stack's own IdP key (`.stack/oidc/signing-key.json`), as the provider would —
 * but with whatever `iat` and `exp` the test wants (an IdP issuing in the future or for decades). Defaults
 * `aud`, `iat` now and `exp` in five minutes.
 */
export async function issuerSignedToken(claims: JWTPayload): Promise<string> {
  const jwk = await loadOrCreateSigningJwk(stackPaths().oidc.keyFile);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: DEV_AUDIENCE, iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'at+jwt' })
    .sign(await importJWK(jwk, 'RS256'));
}

/** Changes claims of a signed token but keeps its original signature, which then no longer matches. */
export function tamperToken(token: string, patch: JWTPayload): string {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error('not a JWS');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
  return [header, base64url.encode(JSON.stringify({ ...claims, ...patch })), signature].join('.');
}
