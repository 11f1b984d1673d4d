import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { HTML_CSP, useSecurityHeaders } from './security-headers';

describe('useSecurityHeaders', () => {
  let app: FastifyInstance;

  before(async () => {
    app = Fastify();
    useSecurityHeaders(app);
    app.get('/drafts/1', () => ({ data: { name: 'Anna Schmidt' } }));
    app.get('/page', (_req, reply) => reply.type('text/html; charset=utf-8').send('<p>Zahlung</p>'));
    app.get('/docs', (_req, reply) => reply.type('text/html').send('<script src="x.js"></script>'));
    app.get('/cached', (_req, reply) => reply.header('cache-control', 'public, max-age=60').send('{}'));
    await app.ready();
  });

  after(() => app.close());

  it('marks every answer no-store, nosniff and not framable', async () => {
    const res = await app.inject({ method: 'GET', url: '/drafts/1' });
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['content-security-policy'], undefined, 'JSON needs no CSP');
    const missing = await app.inject({ method: 'GET', url: '/nothing' });
    assert.equal(missing.headers['x-content-type-options'], 'nosniff');
  });

  it('gives HTML a CSP that runs nothing, and the OpenAPI UI its own scripts', async () => {
    assert.equal(
      (await app.inject({ method: 'GET', url: '/page' })).headers['content-security-policy'],
      HTML_CSP,
    );
    const docs = await app.inject({ method: 'GET', url: '/docs' });
    assert.match(String(docs.headers['content-security-policy']), /default-src 'self'/);
  });

  it('keeps a cache policy the handler chose', async () => {
    assert.equal(
      (await app.inject({ method: 'GET', url: '/cached' })).headers['cache-control'],
      'public, max-age=60',
    );
  });
});
