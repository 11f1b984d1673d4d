import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DEV_AUDIENCE, DEV_CLIENTS, DEV_LOGIN_GRANT_TYPE, DEV_USERS } from './dev-principals';
import { startDevOidcProvider, type DevOidcProvider } from './dev-oidc-provider';
import { clientCredentialsToken, forgeToken, mintToken, tamperToken } from './tokens';

const verifyAt = (provider: DevOidcProvider, token: string) =>
  jwtVerify(token, createRemoteJWKSet(new URL(provider.jwksUri)), {
    issuer: provider.issuer,
    audience: DEV_AUDIENCE,
  });

void describe('dev OIDC provider', () => {
  let provider: DevOidcProvider;

  before(async () => {
    provider = await startDevOidcProvider({
      port: 0,
      users: [
        { username: 'erika', kind: 'person', acr: 'STORK-QAA-Level-4', roles: ['tester'], tenant: 'nw' },
      ],
      clients: [
        {
          clientId: 'fv-test',
          clientSecret: 's3cret',
          scope: 'routing.pull',
          destinations: ['nw-test-a', 'nw-test-b'],
        },
      ],
      resourceServers: [{ resource: 'urn:example:other-api', audience: 'other-api' }],
    });
  });

  after(() => provider?.close());

  void it('binds a free loopback port and publishes discovery and JWKS', async () => {
    assert.match(provider.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(provider.port, 0);
    const discovery = (await (
      await fetch(`${provider.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    assert.equal(discovery.issuer, provider.issuer);
    assert.equal(discovery.jwks_uri, provider.jwksUri);
    assert.equal(discovery.token_endpoint, provider.tokenEndpoint);
    assert.ok((discovery.grant_types_supported as string[]).includes(DEV_LOGIN_GRANT_TYPE));
    assert.ok((discovery.grant_types_supported as string[]).includes('client_credentials'));

    const jwks = (await (await fetch(provider.jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]?.kid, provider.kid);
    assert.equal(jwks.keys[0]?.kty, 'RSA');
    assert.equal(jwks.keys[0]?.d, undefined, 'the private exponent must never be published');
  });

  void it('mints RS256 JWT access tokens with the user claims', async () => {
    const token = await mintToken(provider.issuer, 'anna');
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', typ: 'at+jwt', kid: provider.kid });
    const { payload } = await verifyAt(provider, token);
    assert.equal(payload.sub, 'anna');
    assert.equal(payload.aud, DEV_AUDIENCE);
    assert.equal(payload.acr, DEV_USERS.anna.acr);
    assert.equal(payload.kind, 'person');
    assert.equal(payload.name, 'Anna Schmidt');
    assert.equal(payload.email, DEV_USERS.anna.email);
    assert.deepEqual(payload.roles, []);
    assert.equal(payload.exp! - payload.iat!, 3600);
  });

  void it('issues organisation and admin tokens', async () => {
    const org = decodeJwt(await mintToken(provider.issuer, 'musterbau'));
    assert.equal(org.kind, 'organisation');
    assert.equal(org.sub, 'musterbau');
    assert.equal(org.name, 'Musterbau GmbH');

    const dora = decodeJwt(await mintToken(provider.issuer, 'dora'));
    assert.equal(dora.kind, 'person');
    assert.equal(dora.represents, undefined, 'representation is accounts data, not a token claim');

    const admin = decodeJwt(await mintToken(provider.issuer, 'hb-catalog-admin'));
    assert.deepEqual(admin.roles, ['catalog-admin']);
    assert.equal(admin.tenant, 'hb');
    assert.equal(admin.acr, undefined);
  });

  void it('honours expires_in, resource and scope of the dev grant', async () => {
    const short = decodeJwt(await mintToken(provider.issuer, 'ben', { ttlSeconds: 1 }));
    assert.equal(short.exp! - short.iat!, 1);

    const other = decodeJwt(await mintToken(provider.issuer, 'ben', { resource: 'urn:example:other-api' }));
    assert.equal(other.aud, 'other-api');

    const scoped = decodeJwt(await mintToken(provider.issuer, 'ben', { scope: 'routing.status' }));
    assert.equal(scoped.scope, 'routing.status');
  });

  void it('refuses unknown users, resources, scopes and out-of-range lifetimes', async () => {
    await assert.rejects(
      mintToken(provider.issuer, 'mallory'),
      /HTTP 400: invalid_grant unknown dev user 'mallory'/,
    );
    await assert.rejects(mintToken(provider.issuer, 'anna', { resource: 'urn:nope' }), /invalid_target/);
    await assert.rejects(mintToken(provider.issuer, 'anna', { scope: 'root' }), /invalid_scope/);
    await assert.rejects(mintToken(provider.issuer, 'anna', { ttlSeconds: 0 }), /expires_in/);
    await assert.rejects(mintToken(provider.issuer, 'anna', { ttlSeconds: 86_401 }), /expires_in/);
  });

  void it('knows users and clients given as options, and users added later', async () => {
    const erika = decodeJwt(await mintToken(provider.issuer, 'erika'));
    assert.deepEqual([erika.acr, erika.roles, erika.tenant], ['STORK-QAA-Level-4', ['tester'], 'nw']);

    provider.addUser({
      username: 'late',
      sub: 'late-sub-1',
      kind: 'organisation',
      roles: [],
      name: 'Late AG',
    });
    const late = decodeJwt(await mintToken(provider.issuer, 'late'));
    assert.deepEqual([late.sub, late.kind, late.name], ['late-sub-1', 'organisation', 'Late AG']);

    const client = decodeJwt(
      await clientCredentialsToken(provider.issuer, 'fv-test', 's3cret', 'routing.pull'),
    );
    assert.deepEqual(client.destinations, ['nw-test-a', 'nw-test-b']);
  });

  void it('issues client_credentials tokens with kind client and destinations', async () => {
    const seed = DEV_CLIENTS['fv-bremen-parken'];
    const token = await clientCredentialsToken(
      provider.issuer,
      seed.clientId,
      seed.clientSecret,
      'routing.pull',
    );
    const { payload } = await verifyAt(provider, token);
    assert.equal(payload.kind, 'client');
    assert.equal(payload.client_id, seed.clientId);
    assert.equal(payload.sub, seed.clientId);
    assert.equal(payload.scope, 'routing.pull');
    assert.deepEqual(payload.destinations, ['hb-bewohnerparken']);
    assert.equal(payload.tenant, 'hb');
  });

  void it('refuses wrong client secrets and scopes the client does not hold', async () => {
    await assert.rejects(
      clientCredentialsToken(provider.issuer, 'fv-other', 'wrong'),
      /HTTP 401: invalid_client/,
    );
    await assert.rejects(
      clientCredentialsToken(provider.issuer, 'fv-test', 's3cret', 'routing.reply'),
      /invalid_scope/,
    );
    // The public dev-login client must not be usable for client_credentials.
    await assert.rejects(clientCredentialsToken(provider.issuer, 'amtsbote-dev', ''), /HTTP 40[01]/);
  });

  void it('signToken signs with the provider key; forged and tampered tokens fail verification', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await provider.signToken({ sub: 'anna', iat: now - 7200, exp: now - 3600 });
    await assert.rejects(verifyAt(provider, expired), { code: 'ERR_JWT_EXPIRED' });

    const forged = await forgeToken({ iss: provider.issuer, sub: 'anna' }, { kid: provider.kid });
    await assert.rejects(verifyAt(provider, forged), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });

    const tampered = tamperToken(await mintToken(provider.issuer, 'ben'), { acr: 'STORK-QAA-Level-4' });
    assert.equal(decodeJwt(tampered).acr, 'STORK-QAA-Level-4');
    await assert.rejects(verifyAt(provider, tampered), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });
});

void describe('dev OIDC provider with a key file', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'amtsbote-oidc-'));
  });

  after(() => rm(dir, { recursive: true, force: true }));

  void it('keeps its signing key across restarts, so earlier tokens stay valid', async () => {
    const keyFile = join(dir, 'nested', 'signing-key.json');
    const first = await startDevOidcProvider({ port: 0, keyFile });
    const token = await mintToken(first.issuer, 'clara');
    const kid = first.kid;
    await first.close();

    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal((JSON.parse(await readFile(keyFile, 'utf8')) as { kid: string }).kid, kid);

    // Same issuer (and so the same port) as before; the restarted provider must accept the old token.
    const second = await startDevOidcProvider({ port: first.port, keyFile });
    try {
      assert.equal(second.kid, kid);
      const { payload } = await verifyAt(second, token);
      assert.equal(payload.sub, 'clara');
    } finally {
      await second.close();
    }
  });

  void it('without a key file every start has a new key', async () => {
    const a = await startDevOidcProvider({ port: 0 });
    const b = await startDevOidcProvider({ port: 0 });
    try {
      assert.notEqual(a.kid, b.kid);
      await assert.rejects(verifyAt(b, await a.signToken({ iss: b.issuer, sub: 'anna' })));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
