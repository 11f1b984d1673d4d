import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildProblem } from '../errors';
import { decodeUtf8Body, jsonNestingDepth, MAX_JSON_DEPTH, useStrictJsonBodies } from './json-body';

describe('jsonNestingDepth', () => {
  it('counts nested objects and arrays', () => {
    assert.equal(jsonNestingDepth('1'), 0);
    assert.equal(jsonNestingDepth('{}'), 1);
    assert.equal(jsonNestingDepth('{"a":[{"b":[1,2]},{}]}'), 4);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    assert.equal(jsonNestingDepth('{"a":"[[[{{{"}'), 1);
    assert.equal(jsonNestingDepth('{"a":"\\"[[[","b":"\\\\"}'), 1);
  });

  it('stops once the limit is passed', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.equal(jsonNestingDepth(deep, 64), 65);
    assert.equal(jsonNestingDepth(deep), 100_000);
  });
});

describe('decodeUtf8Body', () => {
  it('keeps valid UTF-8, byte order mark included', () => {
    assert.equal(decodeUtf8Body(Buffer.from('\uFEFFGrüße', 'utf8')), '\uFEFFGrüße');
  });

  it('refuses invalid bytes with a 400 problem instead of replacing them', () => {
    assert.throws(
      () => decodeUtf8Body(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
      (err: unknown) => buildProblem(err, undefined, 'c').doc.code === 'invalid-utf8',
    );
  });
});

describe('useStrictJsonBodies', () => {
  let app: FastifyInstance;

  before(async () => {
    app = Fastify();
    app.setErrorHandler((error, request, reply) => {
      const { doc } = buildProblem(error, request, 'c');
      void reply.status(doc.status).send(doc);
    });
    useStrictJsonBodies(app);
    app.post('/echo', (request) => ({ body: request.body }));
    await app.ready();
  });

  after(() => app.close());

  const post = (payload: string | Buffer) =>
    app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload });

  it('parses ordinary JSON', async () => {
    const res = await post('{"a":[1,{"b":"ü"}]}');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { body: { a: [1, { b: 'ü' }] } });
  });

  it('accepts the limit and refuses one level more', async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    assert.equal((await post(nested(MAX_JSON_DEPTH))).statusCode, 200);
    const res = await post(nested(MAX_JSON_DEPTH + 1));
    assert.equal(res.statusCode, 400);
    assert.equal(res.json<{ code: string }>().code, 'json-too-deep');
  });

  it('refuses invalid UTF-8 and prototype poisoning', async () => {
    const bad = await post(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]));
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ code: string }>().code, 'invalid-utf8');
    const poisoned = await post('{"__proto__":{"admin":true}}');
    assert.equal(poisoned.statusCode, 400);
  });
});
