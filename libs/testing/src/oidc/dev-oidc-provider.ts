import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import type { Configuration, KoaContextWithOIDC, ResourceServerInfo } from 'oidc-provider';
import {
  DEV_API_RESOURCE,
  DEV_API_SCOPES,
  DEV_AUDIENCE,
  DEV_CLIENTS,
  DEV_LOGIN_CLIENT_ID,
  DEV_LOGIN_GRANT_TYPE,
  DEV_USERS,
  STORK_QAA,
  devUserClaims,
  type DevClient,
  type DevResourceServer,
  type DevUser,
} from './dev-principals';
import { createMemoryAdapterFactory } from './memory-adapter';
import { loadOrCreateSigningJwk } from './signing-key';

export interface DevOidcProviderOptions {
  /** TCP port; `0` picks a free one. Default 4400. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1` (never exposed beyond loopback by default). */
  host?: string;
  /** Issuer identifier; default `http://<host>:<port>` with the bound port. */
  issuer?: string;
  /** JSON file holding the private signing JWK; created on first start, reused afterwards. */
  keyFile?: string;
  /** Users added to (or, by equal username, replacing) the seed. */
  users?: DevUser[];
  /** Fachverfahren clients added to (or, by equal id, replacing) the seed. */
  clients?: DevClient[];
  /** Start with {@link DEV_USERS} and {@link DEV_CLIENTS}. Default true. */
  includeDefaultSeed?: boolean;
  /** Resource servers besides the Amtsbote API, e.g. to mint tokens with a foreign audience. */
  resourceServers?: DevResourceServer[];
  /** Lifetime of dev-login access tokens. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of client_credentials access tokens. Default 600. */
  clientTokenTtlSeconds?: number;
}

export interface DevOidcProvider {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly port: number;
  /** `kid` of the provider's signing key. */
  readonly kid: string;
  /** Adds or replaces a user while the provider runs. */
  addUser(user: DevUser): void;
  /**
   * TEST-ONLY: signs arbitrary claims with the provider's own key (so the signature is valid), for cases the
   * token endpoint rightly refuses to produce, e.g. a token that expired an hour ago. Defaults: `iss` this
   * issuer, `aud` {@link DEV_AUDIENCE}, `iat` now, `exp` in 5 minutes; given claims override them.
   */
  signToken(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/** Largest lifetime a caller may ask the dev grant for (`expires_in`), one day. */
const MAX_DEV_TOKEN_TTL_SECONDS = 86_400;

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Starts a real OpenID Connect provider (panva/oidc-provider) on loopback with the seeded principals. Services
 * verify its tokens through its JWKS exactly as they verify BundID's or Keycloak's.
 *
 * Tokens without a browser:
 * - `grant_type=urn:amtsbote:params:oauth:grant-type:dev-login&client_id=amtsbote-dev&username=anna`
 *   (optional `resource`, `scope`, `expires_in` 1..86400 seconds) → JWT access token for that user;
 * - `grant_type=client_credentials` with a Fachverfahren client's id and secret (HTTP Basic) → JWT access
 *   token with `kind: 'client'` and the client's `destinations`.
 */
export async function startDevOidcProvider(options: DevOidcProviderOptions = {}): Promise<DevOidcProvider> {
  const host = options.host ?? '127.0.0.1';
  const includeSeed = options.includeDefaultSeed ?? true;
  const userTtl = options.accessTokenTtlSeconds ?? 3600;
  const clientTtl = options.clientTokenTtlSeconds ?? 600;

  const usersByName = new Map<string, DevUser>();
  const usersBySub = new Map<string, DevUser>();
  const addUser = (user: DevUser) => {
    const previous = usersByName.get(user.username);
    if (previous !== undefined) usersBySub.delete(previous.sub ?? previous.username);
    usersByName.set(user.username, user);
    usersBySub.set(user.sub ?? user.username, user);
  };
  for (const user of [...(includeSeed ? Object.values(DEV_USERS) : []), ...(options.users ?? [])])
    addUser(user);

  const clients = new Map<string, DevClient>();
  for (const client of [...(includeSeed ? Object.values(DEV_CLIENTS) : []), ...(options.clients ?? [])]) {
    clients.set(client.clientId, client);
  }

  const apiScopes = new Set<string>(DEV_API_SCOPES);
  for (const client of clients.values())
    for (const scope of client.scope.split(' ')) if (scope) apiScopes.add(scope);
  const resourceServers = new Map<string, DevResourceServer>([
    [
      DEV_API_RESOURCE,
      { resource: DEV_API_RESOURCE, audience: DEV_AUDIENCE, scope: [...apiScopes].join(' ') },
    ],
  ]);
  for (const server of options.resourceServers ?? []) resourceServers.set(server.resource, server);

  const signingJwk = await loadOrCreateSigningJwk(options.keyFile);

  // The issuer must name the bound port, which with `port: 0` is known only after listening.
  let listener: RequestListener = (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => listener(req, res));
  const address = await listen(server, options.port ?? 4400, host);
  const issuer = options.issuer ?? `http://${host}:${address.port}`;

  const close = async () => {
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections of fetch clients would otherwise hold the server open.
      server.closeAllConnections();
    });
  };

  try {
    const { Provider, errors } = await import('oidc-provider');

    const resourceServerInfo = (resource: string, ttl: number): ResourceServerInfo => {
      const known = resourceServers.get(resource);
      if (known === undefined) throw new errors.InvalidTarget();
      return {
        audience: known.audience,
        scope: known.scope ?? '',
        accessTokenFormat: 'jwt',
        accessTokenTTL: ttl,
      };
    };

    const configuration: Configuration = {
      adapter: createMemoryAdapterFactory(),
      clients: [
        {
          client_id: DEV_LOGIN_CLIENT_ID,
          token_endpoint_auth_method: 'none',
          grant_types: [DEV_LOGIN_GRANT_TYPE],
          response_types: [],
          redirect_uris: [],
        },
        ...[...clients.values()].map((client) => ({
          client_id: client.clientId,
          client_secret: client.clientSecret,
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          scope: client.scope,
        })),
      ],
      jwks: { keys: [signingJwk] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      scopes: ['openid', ...apiScopes],
      claims: {
        openid: ['sub'],
        profile: ['name', 'given_name', 'family_name'],
        email: ['email'],
        amtsbote: ['kind', 'roles', 'tenant'],
      },
      acrValues: Object.values(STORK_QAA),
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        introspection: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: (_ctx, _client, oneOf) => Promise.resolve(oneOf ?? DEV_API_RESOURCE),
          useGrantedResource: () => Promise.resolve(true),
          getResourceServerInfo: (_ctx, resource, client) =>
            Promise.resolve(
              resourceServerInfo(resource, client.clientId === DEV_LOGIN_CLIENT_ID ? userTtl : clientTtl),
            ),
        },
      },
      extraTokenClaims: (_ctx, token) => {
        if (token.kind === 'ClientCredentials') {
          const client = token.clientId === undefined ? undefined : clients.get(token.clientId);
          if (client === undefined) return Promise.resolve(undefined);
          return Promise.resolve({
            kind: 'client',
            destinations: [...client.destinations],
            tenant: client.tenant,
            name: client.name,
          });
        }
        const user = token.accountId === undefined ? undefined : usersBySub.get(token.accountId);
        return Promise.resolve(user === undefined ? undefined : devUserClaims(user));
      },
      findAccount: (_ctx, sub) => {
        const user = usersBySub.get(sub);
        if (user === undefined) return Promise.resolve(undefined);
        return Promise.resolve({
          accountId: sub,
          claims: () => Promise.resolve({ sub, ...devUserClaims(user) }),
        });
      },
      // Browser portals of the demo call the token endpoint cross-origin; this provider is for dev only.
      clientBasedCORS: () => true,
      ttl: {
        AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? userTtl,
        ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? clientTtl,
      },
    };

    const provider = new Provider(issuer, configuration);

    provider.registerGrantType(
      DEV_LOGIN_GRANT_TYPE,
      async (ctx: KoaContextWithOIDC) => {
        const params = ctx.oidc.params ?? {};
        const client = ctx.oidc.client;
        if (client === undefined) throw new errors.InvalidRequest('client is required');
        const username = optionalString(params.username);
        if (username === undefined) throw new errors.InvalidRequest("missing required parameter 'username'");
        const user = usersByName.get(username);
        if (user === undefined) {
          throw Object.assign(new errors.InvalidGrant(), {
            error_description: `unknown dev user '${username}'`,
          });
        }

        let expiresIn: number | undefined;
        const requestedTtl = optionalString(params.expires_in);
        if (requestedTtl !== undefined) {
          expiresIn = Number(requestedTtl);
          if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_DEV_TOKEN_TTL_SECONDS) {
            throw new errors.InvalidRequest(
              `expires_in must be an integer from 1 to ${MAX_DEV_TOKEN_TTL_SECONDS}`,
            );
          }
        }

        const resource = optionalString(params.resource) ?? DEV_API_RESOURCE;
        const info = resourceServerInfo(resource, expiresIn ?? userTtl);
        const allowedScopes = new Set(info.scope.split(' '));
        const scopes = (optionalString(params.scope) ?? '').split(' ').filter((scope) => scope !== '');
        const refused = scopes.find((scope) => !allowedScopes.has(scope));
        if (refused !== undefined) throw new errors.InvalidScope('requested scope is not allowed', refused);

        const token = new provider.AccessToken({
          accountId: user.sub ?? user.username,
          client,
          gty: 'dev_login',
          scope: scopes.length > 0 ? scopes.join(' ') : undefined,
          expiresIn: expiresIn ?? userTtl,
        });
        token.resourceServer = new provider.ResourceServer(resource, info);
        const accessToken = await token.save();
        ctx.body = {
          access_token: accessToken,
          token_type: token.tokenType,
          expires_in: token.expiration,
          scope: token.scope,
        };
      },
      ['username', 'resource', 'scope', 'expires_in'],
    );

    provider.on('server_error', (_ctx: unknown, error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(
        `${JSON.stringify({ level: 'error', msg: 'oidc provider server error', error: message })}\n`,
      );
    });

    listener = provider.callback();

    const signingKey = await importJWK(signingJwk, 'RS256');
    const now = () => Math.floor(Date.now() / 1000);

    return {
      issuer,
      jwksUri: provider.urlFor('jwks'),
      tokenEndpoint: provider.urlFor('token'),
      port: address.port,
      kid: signingJwk.kid,
      addUser,
      signToken: (claims) =>
        new SignJWT({ iss: issuer, aud: DEV_AUDIENCE, iat: now(), exp: now() + 300, ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: signingJwk.kid, typ: 'at+jwt' })
          .sign(signingKey),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
