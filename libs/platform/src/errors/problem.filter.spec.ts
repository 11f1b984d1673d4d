import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { buildProblem } from './problem.filter';
import { ProblemException } from './problem';

const req = (lang?: string) =>
  ({
    url: '/things/1?token=secret',
    headers: lang ? { 'accept-language': lang } : {},
  }) as unknown as FastifyRequest;

describe('problem+json rendering', () => {
  it('renders a ProblemException with both languages, field errors and extensions', () => {
    const ex = ProblemException.unprocessable('invalid-data', { de: 'Ungültige Daten', en: 'Invalid data' }, [
      { path: '/data/F1', code: 'required', message: { de: 'fehlt', en: 'missing' } },
    ]);
    const { doc, unexpected } = buildProblem(ex, req('en-GB,en;q=0.9'), 'cid-1');
    assert.equal(unexpected, false);
    assert.equal(doc.status, 422);
    assert.equal(doc.type, 'https://amtsbote.de/problems/invalid-data');
    assert.equal(doc.title, 'Invalid data');
    assert.deepEqual(doc.titles, { de: 'Ungültige Daten', en: 'Invalid data' });
    assert.equal(doc.errors?.[0]?.path, '/data/F1');
    assert.equal(doc.instance, '/things/1', 'query strings (tokens) never echo back');
    assert.equal(doc.correlationId, 'cid-1');
  });

  it('prefers German unless the client asks for English', () => {
    const { doc } = buildProblem(new NotFoundException(), req(), 'c');
    assert.equal(doc.title, 'Nicht gefunden');
    assert.equal(doc.status, 404);
  });

  it('hides the internals of unexpected errors behind a correlation id', () => {
    const { doc, unexpected } = buildProblem(new TypeError('secret column x is null'), req('en'), 'cid-9');
    assert.equal(unexpected, true);
    assert.equal(doc.status, 500);
    assert.doesNotMatch(JSON.stringify(doc), /secret column/);
    assert.match(doc.detail ?? '', /cid-9/);
  });

  it('answers 503 with Retry-After when the database is away, not 500', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { doc, headers, unexpected } = buildProblem(err, req(), 'c');
    assert.equal(doc.status, 503);
    assert.equal(headers['Retry-After'], '5');
    assert.equal(unexpected, false);
    const wrapped = { name: 'QueryFailedError', message: 'x', driverError: { code: '57P01' } };
    assert.equal(buildProblem(wrapped, req(), 'c').doc.status, 503);
  });

  it('maps Fastify body errors to 4xx problems', () => {
    const tooLarge = {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      message: 'Request body is too large',
    };
    const { doc } = buildProblem(tooLarge, req('en'), 'c');
    assert.equal(doc.status, 413);
    assert.equal(doc.detail, 'The request body exceeds the allowed size.');
  });
});
