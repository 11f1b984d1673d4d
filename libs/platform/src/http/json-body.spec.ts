import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildProblem } from '../errors';
import { applyRouteBodyLimits } from './body-limit';
import { refuseUnstorableParameters } from './unstorable-strings';
import {
  decodeUtf8Body,
  jsonNestingDepth,
  jsonStructure,
  MAX_JSON_DEPTH,
  useStrictJsonBodies,
} from './json-body';

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

describe('jsonStructure', () => {
  it('counts the keys of every object, not colons in strings', () => {
    assert.deepEqual(jsonStructure('{"a":1,"b":{"c":"x:y"},"d":[{"e":null}]}'), { depth: 3, keys: 5 });
    assert.deepEqual(jsonStructure('[1,2,3]'), { depth: 1, keys: 0 });
  });

  it('stops once the key limit is passed', () => {
    const many = `{${Array.from({ length: 1000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    assert.equal(jsonStructure(many, { keys: 10 }).keys, 11);
    assert.equal(jsonStructure(many).keys, 1000);
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
    applyRouteBodyLimits(app);
    useStrictJsonBodies(app, { maxKeys: 100 });
    app.post('/echo', (request) => ({ body: request.body }));
    app.post(
      '/many',
      { config: { amtsboteBodyLimit: { jsonKeys: 200_000, bytes: 4 * 1024 * 1024 } } },
      (request) => ({
        keys: Object.keys(request.body as object).length,
      }),
    );
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

  const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;

  it('refuses more keys than allowed with 413 before parsing, and a route may allow more', async () => {
    assert.equal((await post(keys(100))).statusCode, 200);
    const res = await post(keys(101));
    assert.equal(res.statusCode, 413);
    assert.equal(res.json<{ code: string }>().code, 'json-too-many-keys');
    const many = await app.inject({
      method: 'POST',
      url: '/many',
      headers: { 'content-type': 'application/json' },
      payload: keys(100_000),
    });
    assert.equal(many.statusCode, 200);
    assert.deepEqual(many.json(), { keys: 100_000 });
  });

  it('refuses NUL and lone surrogates in values and keys, naming each field', async () => {
    const res = await post(
      '{"data":{"G1":{"F1":"a\\u0000b","F2":["ok","\\ud800"]}},"x\\udc00y":1,"fine":"\\ud83d\\ude00"}',
    );
    assert.equal(res.statusCode, 400);
    const doc = res.json<{ code: string; errors: Array<{ path: string; code: string }> }>();
    assert.equal(doc.code, 'invalid-characters');
    assert.deepEqual(
      doc.errors.map((e) => e.path),
      ['/data/G1/F1', '/data/G1/F2/1', '/x\ufffdy'],
    );
    assert.ok(doc.errors.every((e) => e.code === 'unstorable-character'));
    // A surrogate pair is a character like any other.
    assert.equal((await post('{"a":"\\ud83d\\ude00 ok"}')).statusCode, 200);
  });
});

describe('refuseUnstorableParameters', () => {
  let app: FastifyInstance;

  before(async () => {
    app = Fastify();
    app.setErrorHandler((error, request, reply) => {
      const { doc } = buildProblem(error, request, 'c');
      void reply.status(doc.status).send(doc);
    });
    refuseUnstorableParameters(app);
    app.get('/files/:id', (request) => ({ params: request.params, query: request.query }));
    await app.ready();
  });

  after(() => app.close());

  it('refuses NUL in path parameters and query strings, naming them', async () => {
    const res = await app.inject({ method: 'GET', url: '/files/a%00b?filename=x.pdf%00.exe&ok=1' });
    assert.equal(res.statusCode, 400);
    const doc = res.json<{ code: string; errors: Array<{ path: string }> }>();
    assert.equal(doc.code, 'invalid-characters');
    assert.deepEqual(
      doc.errors.map((e) => e.path),
      ['/id', '/filename'],
    );
    assert.equal(
      (await app.inject({ method: 'GET', url: '/files/a?filename=Bescheid%20M%C3%BCller.pdf' })).statusCode,
      200,
    );
  });
});
