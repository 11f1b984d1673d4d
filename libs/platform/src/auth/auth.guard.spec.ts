import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type ArgumentsHost, Catch, Controller, type ExceptionFilter, Get } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT, type CryptoKey } from 'jose';
import { ProblemException } from '../errors';
import { CurrentPrincipal, MinTrustLevel, OptionalAuth, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import type { Principal } from './principal';

// Guard and verifier against a hand-made issuer (a JWKS served from loopback). The same behaviour against the
// real dev OIDC provider is covered in libs/testing/src/oidc/auth-integration.spec.ts.

interface LocalIssuer {
  issuer: string;
  key: CryptoKey;
  kid: string;
}

/** Test stand-in for the platform's problem filter: shows what the guard put into the exception. */
@Catch(ProblemException)
class ProblemEchoFilter implements ExceptionFilter {
  catch(exception: ProblemException, host: ArgumentsHost) {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): void } }>();
    reply.status(exception.problem.status).send(exception.problem);
  }
}

@Controller()
class ProbeController {
  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return { ...principal, claims: undefined };
  }

  @Public()
  @Get('public')
  open() {
    return { open: true };
  }

  @OptionalAuth()
  @Get('optional')
  optional(@CurrentPrincipal() principal: Principal | undefined) {
    return { anonymous: principal === undefined, subject: principal?.subject ?? null };
  }

  @Roles('catalog-admin', 'operator')
  @Get('admin')
  admin() {
    return { admin: true };
  }

  @MinTrustLevel(3)
  @Get('substantial')
  substantial(@CurrentPrincipal() principal: Principal) {
    return { trustLevel: principal.trustLevel };
  }
}

void describe('AuthGuard with a JWKS issuer', () => {
  let server: Server;
  let base: string;
  let app: NestFastifyApplication;
  let trusted: LocalIssuer;
  let discovered: LocalIssuer;
  let stranger: LocalIssuer;
  let unreachable: LocalIssuer;
  const jwks = new Map<string, object>();

  const makeIssuer = async (path: string): Promise<LocalIssuer> => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = `${path}-key`;
    jwks.set(`/${path}/jwks`, { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
    return { issuer: `${base}/${path}`, key: privateKey, kid };
  };

  const sign = (by: LocalIssuer, claims: JWTPayload, header: { kid?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: by.issuer, aud: 'amtsbote', sub: 'anna', iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: header.kid ?? by.kid })
      .sign(by.key);
  };

  const get = (url: string, token?: string) =>
    app.inject({
      method: 'GET',
      url,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      const discoveryOf = /^\/(\w+)\/\.well-known\/openid-configuration$/.exec(path)?.[1];
      const body =
        discoveryOf === undefined
          ? jwks.get(path)
          : { issuer: `${base}/${discoveryOf}`, jwks_uri: `${base}/${discoveryOf}/jwks` };
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    trusted = await makeIssuer('trusted');
    discovered = await makeIssuer('discovered');
    stranger = await makeIssuer('stranger');
    unreachable = await makeIssuer('unreachable');

    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          issuers: [
            { issuer: trusted.issuer, jwksUri: `${trusted.issuer}/jwks`, audience: 'amtsbote' },
            { issuer: discovered.issuer, audience: ['amtsbote', 'other'] },
            // Port 9 (discard) on loopback: nothing listens, the JWKS fetch fails.
            { issuer: unreachable.issuer, jwksUri: 'http://127.0.0.1:9/jwks', audience: 'amtsbote' },
          ],
          clockToleranceSeconds: 5,
        }),
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemEchoFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  after(async () => {
    await app?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  void it('accepts a valid token and exposes its principal', async () => {
    const token = await sign(trusted, {
      acr: 'STORK-QAA-Level-3',
      roles: ['catalog-admin'],
      tenant: 'hb',
      email: 'a@example.org',
    });
    const response = await get('/me', token);
    assert.equal(response.statusCode, 200);
    const body = response.json<Principal>();
    assert.equal(body.issuer, trusted.issuer);
    assert.equal(body.subject, 'anna');
    assert.equal(body.trustLevel, 3);
    assert.equal(body.tenant, 'hb');
    assert.deepEqual(body.roles, ['catalog-admin']);
  });

  void it('refuses requests without a token', async () => {
    assert.equal((await get('/me')).statusCode, 401);
  });

  void it('refuses other authorization schemes and garbage', async () => {
    const basic = await app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic YTpi' } });
    assert.equal(basic.statusCode, 401);
    assert.equal((await get('/me', 'not-a-jwt')).statusCode, 401);
  });

  void it('refuses a token of an issuer that is not configured', async () => {
    assert.equal((await get('/me', await sign(stranger, {}))).statusCode, 401);
  });

  void it("refuses a token claiming the trusted issuer but signed with another issuer's key", async () => {
    const forged = await sign({ ...stranger, issuer: trusted.issuer }, {}, { kid: trusted.kid });
    assert.equal((await get('/me', forged)).statusCode, 401);
  });

  void it('refuses a token whose claims were changed after signing', async () => {
    const [header, , signature] = (await sign(trusted, { roles: [] })).split('.');
    const payload = Buffer.from(
      JSON.stringify({
        iss: trusted.issuer,
        aud: 'amtsbote',
        sub: 'anna',
        exp: 4102444800,
        roles: ['operator'],
      }),
    ).toString('base64url');
    assert.equal((await get('/admin', `${header}.${payload}.${signature}`)).statusCode, 401);
  });

  void it('refuses an expired token, within clock tolerance it still passes', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await get('/me', await sign(trusted, { iat: now - 120, exp: now - 60 }))).statusCode, 401);
    assert.equal((await get('/me', await sign(trusted, { iat: now - 120, exp: now - 2 }))).statusCode, 200);
  });

  void it('refuses a token for another audience, one without exp and one with a non-string sub', async () => {
    assert.equal((await get('/me', await sign(trusted, { aud: 'someone-else' }))).statusCode, 401);
    const now = Math.floor(Date.now() / 1000);
    const noExp = await new SignJWT({ iss: trusted.issuer, aud: 'amtsbote', sub: 'anna', iat: now })
      .setProtectedHeader({ alg: 'RS256', kid: trusted.kid })
      .sign(trusted.key);
    assert.equal((await get('/me', noExp)).statusCode, 401);
    assert.equal((await get('/me', await sign(trusted, { sub: 42 as unknown as string }))).statusCode, 401);
  });

  void it('refuses a token issued in the future or valid for longer than a day (iat, exp)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await get('/me', await sign(trusted, { iat: now + 3600, exp: now + 3900 }));
    assert.equal(future.statusCode, 401);
    assert.match(future.json<{ detail: { en: string } }>().detail.en, /issued in the future/);
    const decades = await get('/me', await sign(trusted, { exp: Math.floor(Date.UTC(9999, 11, 31) / 1000) }));
    assert.equal(decades.statusCode, 401);
    const noIat = await get('/me', await sign(trusted, { iat: undefined, exp: now + 90_000 }));
    assert.equal(noIat.statusCode, 401, 'without iat the lifetime counts from now');
    // Within the clock tolerance and the lifetime: fine.
    assert.equal((await get('/me', await sign(trusted, { iat: now + 3, exp: now + 3600 }))).statusCode, 200);
    assert.equal(
      (await get('/me', await sign(trusted, { iat: now - 3600, exp: now + 80_000 }))).statusCode,
      200,
    );
  });

  void it('refuses an HMAC token even when its kid names a published key', async () => {
    const hmac = await new SignJWT({ iss: trusted.issuer, aud: 'amtsbote', sub: 'anna', exp: 4102444800 })
      .setProtectedHeader({ alg: 'HS256', kid: trusted.kid })
      .sign(new TextEncoder().encode('a-shared-secret-that-anyone-could-guess'));
    assert.equal((await get('/me', hmac)).statusCode, 401);
  });

  void it('discovers the JWKS of an issuer configured without jwksUri', async () => {
    const response = await get('/me', await sign(discovered, { aud: 'other' }));
    assert.equal(response.statusCode, 200);
    assert.equal(response.json<Principal>().issuer, discovered.issuer);
  });

  void it("answers 503, not 401, when the issuer's keys cannot be fetched", async () => {
    assert.equal((await get('/me', await sign(unreachable, {}))).statusCode, 503);
  });

  void it('leaves @Public routes open, even with a broken token', async () => {
    assert.equal((await get('/public')).statusCode, 200);
    assert.equal((await get('/public', 'garbage')).statusCode, 200);
  });

  void it('@OptionalAuth admits anonymous callers but verifies a sent token', async () => {
    const anonymous = await get('/optional');
    assert.equal(anonymous.statusCode, 200);
    assert.deepEqual(anonymous.json(), { anonymous: true, subject: null });

    const known = await get('/optional', await sign(trusted, { sub: 'ben' }));
    assert.equal(known.statusCode, 200);
    assert.deepEqual(known.json(), { anonymous: false, subject: 'ben' });

    assert.equal((await get('/optional', await sign(stranger, {}))).statusCode, 401);
  });

  void it('@Roles needs any one of the roles', async () => {
    const wrongRole = await get('/admin', await sign(trusted, { roles: ['payment-admin'] }));
    assert.equal(wrongRole.statusCode, 403);
    assert.match(wrongRole.json<{ detail: { en: string } }>().detail.en, /catalog-admin, operator/);
    assert.equal((await get('/admin', await sign(trusted, { roles: ['operator'] }))).statusCode, 200);
    assert.equal((await get('/admin')).statusCode, 401);
  });

  void it('@MinTrustLevel refuses lower levels with a message naming the level', async () => {
    const low = await get('/substantial', await sign(trusted, { acr: 'STORK-QAA-Level-1' }));
    assert.equal(low.statusCode, 403);
    const problem = low.json<{ code: string; detail: { de: string; en: string }; extensions: object }>();
    assert.equal(problem.code, 'insufficient-trust-level');
    assert.match(problem.detail.de, /mindestens Vertrauensniveau 3 erforderlich: STORK-QAA-Level-3/);
    assert.match(problem.detail.en, /at least trust level 3: STORK-QAA-Level-3/);
    assert.deepEqual(problem.extensions, { requiredTrustLevel: 3, trustLevel: 1 });
    const high = await get('/substantial', await sign(trusted, { acr: 'http://eidas.europa.eu/LoA/high' }));
    assert.equal(high.statusCode, 200);
    assert.deepEqual(high.json(), { trustLevel: 4 });
  });
});
