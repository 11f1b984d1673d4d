import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  AuthModule,
  CurrentPrincipal,
  MinTrustLevel,
  OptionalAuth,
  type Principal,
  principalKey,
  Public,
  Roles,
} from '@amtsbote/platform';
import { DEV_AUDIENCE, DEV_CLIENTS } from './dev-principals';
import { startDevOidcProvider, type DevOidcProvider } from './dev-oidc-provider';
import { clientCredentialsToken, forgeToken, mintToken, tamperToken } from './tokens';

// The platform's AuthModule against the real dev OIDC provider over loopback: the path every service takes.

@Controller()
class ProbeController {
  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return { ...principal, key: principalKey(principal), claims: undefined };
  }

  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @OptionalAuth()
  @Post('submissions')
  @HttpCode(200)
  submit(@CurrentPrincipal() principal: Principal | undefined) {
    return { anonymous: principal === undefined, subject: principal?.subject ?? null };
  }

  @Roles('catalog-admin')
  @Get('catalog/admin')
  catalogAdmin(@CurrentPrincipal() principal: Principal) {
    return { tenant: principal.tenant };
  }

  @MinTrustLevel(3)
  @Get('leistungen/substantial')
  substantial() {
    return { allowed: true };
  }
}

void describe('AuthModule with the dev OIDC provider', () => {
  let provider: DevOidcProvider;
  let foreign: DevOidcProvider;
  let app: NestFastifyApplication;

  const request = (method: 'GET' | 'POST', url: string, token?: string) =>
    app.inject({ method, url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const get = (url: string, token?: string) => request('GET', url, token);
  const post = (url: string, token?: string) => request('POST', url, token);

  before(async () => {
    [provider, foreign] = await Promise.all([
      startDevOidcProvider({
        port: 0,
        resourceServers: [{ resource: 'urn:example:other-api', audience: 'other-api' }],
      }),
      startDevOidcProvider({ port: 0 }),
    ]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          issuers: [{ issuer: provider.issuer, jwksUri: provider.jwksUri, audience: DEV_AUDIENCE }],
          clockToleranceSeconds: 0,
        }),
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  after(async () => {
    await app?.close();
    await Promise.all([provider?.close(), foreign?.close()]);
  });

  void it("accepts anna's token with trust level 3 and her person data", async () => {
    const response = await get('/me', await mintToken(provider.issuer, 'anna'));
    assert.equal(response.statusCode, 200);
    const principal = response.json<Principal & { key: string }>();
    assert.equal(principal.issuer, provider.issuer);
    assert.equal(principal.subject, 'anna');
    assert.equal(principal.kind, 'person');
    assert.equal(principal.trustLevel, 3);
    assert.equal(principal.acr, 'STORK-QAA-Level-3');
    assert.equal(principal.name, 'Anna Schmidt');
    assert.deepEqual(principal.roles, []);
    assert.equal(principal.key, `${provider.issuer}|anna`);
  });

  void it('maps ben to level 1, clara to level 4 and an admin to roles and tenant', async () => {
    const ben = (await get('/me', await mintToken(provider.issuer, 'ben'))).json<Principal>();
    assert.equal(ben.trustLevel, 1);
    const clara = (await get('/me', await mintToken(provider.issuer, 'clara'))).json<Principal>();
    assert.equal(clara.trustLevel, 4);
    const admin = (await get('/me', await mintToken(provider.issuer, 'nw-routing-admin'))).json<Principal>();
    assert.deepEqual([admin.roles, admin.tenant, admin.trustLevel], [['routing-admin'], 'nw', 0]);
  });

  void it('sees the organisation as subject of an organisation login', async () => {
    const org = (await get('/me', await mintToken(provider.issuer, 'musterbau'))).json<Principal>();
    assert.deepEqual([org.kind, org.subject, org.name], ['organisation', 'musterbau', 'Musterbau GmbH']);
  });

  void it('turns a client_credentials token into a client principal with its destinations', async () => {
    const fv = DEV_CLIENTS['fv-bremen-parken'];
    const token = await clientCredentialsToken(
      provider.issuer,
      fv.clientId,
      fv.clientSecret,
      'routing.pull routing.reply',
    );
    const response = await get('/me', token);
    assert.equal(response.statusCode, 200);
    const client = response.json<Principal>();
    assert.equal(client.kind, 'client');
    assert.equal(client.clientId, 'fv-bremen-parken');
    assert.equal(client.trustLevel, 0);
    assert.deepEqual(client.destinations, ['hb-bewohnerparken']);
    assert.deepEqual(client.scopes, ['routing.pull', 'routing.reply']);
  });

  void it('answers 401 without a token', async () => {
    assert.equal((await get('/me')).statusCode, 401);
  });

  void it("answers 401 for a token of another provider, even one naming this provider's kid", async () => {
    assert.equal((await get('/me', await mintToken(foreign.issuer, 'anna'))).statusCode, 401);
    const imitation = await foreign.signToken({ iss: provider.issuer, sub: 'anna' });
    assert.equal((await get('/me', imitation)).statusCode, 401);
    const forged = await forgeToken({ iss: provider.issuer, sub: 'anna' }, { kid: provider.kid });
    assert.equal((await get('/me', forged)).statusCode, 401);
  });

  void it('answers 401 for an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await provider.signToken({
      sub: 'anna',
      acr: 'STORK-QAA-Level-3',
      iat: now - 600,
      exp: now - 60,
    });
    assert.equal((await get('/me', expired)).statusCode, 401);
    // Control: the same construction with a future exp passes, so the 401 above is the expiry.
    const valid = await provider.signToken({
      sub: 'anna',
      acr: 'STORK-QAA-Level-3',
      iat: now,
      exp: now + 60,
    });
    assert.equal((await get('/me', valid)).statusCode, 200);
  });

  void it('answers 401 once a short-lived token from the token endpoint has run out', async () => {
    // Whole seconds: a 1 s token minted late in a second may already be over when first used.
    const token = await mintToken(provider.issuer, 'ben', { ttlSeconds: 2 });
    assert.equal((await get('/me', token)).statusCode, 200);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    assert.equal((await get('/me', token)).statusCode, 401);
  });

  void it('answers 401 for a tampered token', async () => {
    const tampered = tamperToken(await mintToken(provider.issuer, 'ben'), { roles: ['catalog-admin'] });
    assert.equal((await get('/catalog/admin', tampered)).statusCode, 401);
  });

  void it('answers 401 for a token issued for another audience', async () => {
    const token = await mintToken(provider.issuer, 'anna', { resource: 'urn:example:other-api' });
    assert.equal((await get('/me', token)).statusCode, 401);
  });

  void it('keeps @Public routes open', async () => {
    assert.equal((await get('/health')).statusCode, 200);
  });

  void it('@OptionalAuth works with and without a token, but not with a bad one', async () => {
    const anonymous = await post('/submissions');
    assert.equal(anonymous.statusCode, 200);
    assert.deepEqual(anonymous.json(), { anonymous: true, subject: null });
    const known = await post('/submissions', await mintToken(provider.issuer, 'anna'));
    assert.equal(known.statusCode, 200);
    assert.deepEqual(known.json(), { anonymous: false, subject: 'anna' });
    assert.equal((await post('/submissions', await mintToken(foreign.issuer, 'anna'))).statusCode, 401);
  });

  void it('@Roles answers 403 without the role and 200 with it', async () => {
    assert.equal(
      (await get('/catalog/admin', await mintToken(provider.issuer, 'hb-payment-admin'))).statusCode,
      403,
    );
    assert.equal((await get('/catalog/admin', await mintToken(provider.issuer, 'anna'))).statusCode, 403);
    const admin = await get('/catalog/admin', await mintToken(provider.issuer, 'hb-catalog-admin'));
    assert.equal(admin.statusCode, 200);
    assert.deepEqual(admin.json(), { tenant: 'hb' });
  });

  void it('@MinTrustLevel(3) refuses ben (level 1) and admits anna (3) and clara (4)', async () => {
    assert.equal(
      (await get('/leistungen/substantial', await mintToken(provider.issuer, 'ben'))).statusCode,
      403,
    );
    assert.equal(
      (await get('/leistungen/substantial', await mintToken(provider.issuer, 'anna'))).statusCode,
      200,
    );
    assert.equal(
      (await get('/leistungen/substantial', await mintToken(provider.issuer, 'clara'))).statusCode,
      200,
    );
  });
});
