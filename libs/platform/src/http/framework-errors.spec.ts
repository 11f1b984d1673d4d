import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientErrorProblem, frameworkErrorProblem } from './framework-errors';

describe('frameworkErrorProblem', () => {
  let app: FastifyInstance;

  before(async () => {
    // Fastify's default maxParamLength is 100.
    app = Fastify({ frameworkErrors: frameworkErrorProblem });
    app.get('/things/:id', () => ({ ok: true }));
    await app.ready();
  });

  after(() => app.close());

  it('answers broken percent-encoding in the path with problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/things/%C0%AF%' });
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const doc = res.json<{ status: number; titles: { de: string; en: string }; details: { de: string } }>();
    assert.equal(doc.status, 400);
    assert.equal(doc.titles.en, 'Bad request');
    assert.match(doc.details.de, /Prozentkodierung/);
  });

  it('answers an over-long path parameter with 414 problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: `/things/${'x'.repeat(500)}` });
    assert.equal(res.statusCode, 414);
    assert.equal(res.json<{ code: string }>().code, 'uri-too-long');
  });
});

describe('clientErrorProblem', () => {
  function fakeSocket(): { socket: Socket; written: () => string } {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    return {
      socket: stream as unknown as Socket,
      written: () => Buffer.concat(chunks).toString('utf8'),
    };
  }

  it('writes a 431 problem document for oversized headers and closes the socket', async () => {
    const { socket, written } = fakeSocket();
    socket.on('error', () => undefined);
    clientErrorProblem(Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW' }), socket);
    await new Promise((resolve) => setImmediate(resolve));
    const [head = '', body = ''] = written().split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 431 /);
    assert.match(head, /Content-Type: application\/problem\+json/);
    assert.match(head, /X-Content-Type-Options: nosniff/);
    assert.match(head, /Cache-Control: no-store/);
    const doc = JSON.parse(body) as { status: number; code: string; titles: { de: string; en: string } };
    assert.equal(doc.status, 431);
    assert.equal(doc.code, 'header-fields-too-large');
    assert.ok(doc.titles.de && doc.titles.en);
    assert.equal(socket.destroyed, true);
  });

  it('does not write to a connection the client already reset', () => {
    const { socket, written } = fakeSocket();
    clientErrorProblem(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket);
    assert.equal(written(), '');
  });
});
