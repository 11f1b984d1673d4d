import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildProblem } from '../errors';
import { useLoadShedding } from './load-shedding';

describe('useLoadShedding (HTTP_MAX_IN_FLIGHT)', () => {
  let app: FastifyInstance;
  let base: string;
  let inFlight: () => number;
  const held: Array<() => void> = [];

  before(async () => {
    app = Fastify();
    app.setErrorHandler((error, request, reply) => {
      const { doc, headers } = buildProblem(error, request, 'test');
      void reply.status(doc.status).headers(headers).type('application/problem+json').send(doc);
    });
    inFlight = useLoadShedding(app, { maxInFlight: 2, retryAfterSeconds: 3 });
    // Answers once the test lets it go: holds a slot as long as a slow submission would.
    app.get('/slow', () => new Promise((resolve) => held.push(() => resolve({ ok: true }))));
    app.get('/fast', () => ({ ok: true }));
    app.get('/health/live', () => ({ status: 'up' }));
    app.get('/files/:id', () => ({ bytes: 'signed download' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  after(() => app.close());

  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(ok());
  };

  it('answers 503 problem+json with Retry-After at once past the bound, and takes requests again after', async () => {
    const slow = [fetch(`${base}/slow`), fetch(`${base}/slow`)];
    await until(() => held.length === 2);
    assert.equal(inFlight(), 2);

    const refused = await fetch(`${base}/fast`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '3');
    assert.match(String(refused.headers.get('content-type')), /application\/problem\+json/);
    const doc = (await refused.json()) as {
      code: string;
      status: number;
      detail: { de: string; en: string } | string;
    };
    assert.equal(doc.code, 'overloaded');
    assert.equal(doc.status, 503);
    assert.match(JSON.stringify(doc), /versuchen Sie es in 3 Sekunden/);
    assert.match(JSON.stringify(doc), /try again in 3 seconds/);

    // Probes, and the signed downloads through which routing drains what was accepted, whatever the load.
    assert.equal((await fetch(`${base}/health/live`)).status, 200);
    assert.equal((await fetch(`${base}/files/8d9c7f0e-0000-4000-8000-000000000001`)).status, 200);

    for (const release of held.splice(0)) release();
    for (const r of await Promise.all(slow)) assert.equal(r.status, 200);
    await until(() => inFlight() === 0);
    assert.equal((await fetch(`${base}/fast`)).status, 200);
  });

  it('frees the slot of a client that went away before its answer', async () => {
    const req = httpRequest(`${base}/slow`);
    req.on('error', () => undefined);
    req.end();
    await until(() => held.length === 1 && inFlight() === 1);
    req.destroy();
    await until(() => inFlight() === 0);
    for (const release of held.splice(0)) release();
    assert.equal((await fetch(`${base}/fast`)).status, 200);
  });

  it('is off with a bound of 0', async () => {
    const open = Fastify();
    const count = useLoadShedding(open, { maxInFlight: 0 });
    open.get('/fast', () => ({ ok: true }));
    assert.equal((await open.inject({ method: 'GET', url: '/fast' })).statusCode, 200);
    assert.equal(count(), 0);
    await open.close();
  });
});
