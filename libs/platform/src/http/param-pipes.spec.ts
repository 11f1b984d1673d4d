import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProblem } from '../errors';
import { PatternPipe } from './pattern.pipe';
import { UuidPipe } from './uuid.pipe';

describe('UuidPipe', () => {
  const pipe = new UuidPipe();

  it('passes a UUID on in lower case', () => {
    assert.equal(
      pipe.transform('3F1C2A4E-8B7D-4E6F-9A01-2B3C4D5E6F70'),
      '3f1c2a4e-8b7d-4e6f-9a01-2b3c4d5e6f70',
    );
  });

  it('answers anything else with the 404 problem of an unknown resource', () => {
    for (const value of [
      "' OR '1'='1' --",
      '../../../../etc/passwd',
      '{"$ne":null}',
      '3f1c2a4e-8b7d-4e6f-9a01-2b3c4d5e6f70\u0000',
      '3f1c2a4e8b7d4e6f9a012b3c4d5e6f70',
      '',
      undefined,
    ]) {
      assert.throws(
        () => pipe.transform(value),
        (e: unknown) => {
          const { doc } = buildProblem(e, undefined, 'c-1');
          assert.equal(doc.status, 404, String(value));
          assert.equal(doc.code, 'not-found');
          assert.ok(doc.titles.de && doc.titles.en);
          return true;
        },
      );
    }
  });
});

describe('PatternPipe', () => {
  const pipe = new PatternPipe(/^[A-Za-z0-9_-]{1,8}$/);
  const meta = { type: 'query', data: 'token' } as const;

  it('passes a matching value and an absent one', () => {
    assert.equal(pipe.transform('abc_-9', meta), 'abc_-9');
    assert.equal(pipe.transform(undefined, meta), undefined);
  });

  it('refuses anything else with a 400 naming the parameter', () => {
    for (const value of ["' OR '1'='1' --", 'x'.repeat(9), '', ['abc', 'def'], 7]) {
      assert.throws(
        () => pipe.transform(value, meta),
        (e: unknown) => {
          const { doc } = buildProblem(e, undefined, 'c-1');
          assert.equal(doc.status, 400);
          assert.equal(doc.code, 'validation-failed');
          assert.deepEqual(
            doc.errors?.map((err) => err.path),
            ['/token'],
          );
          assert.notEqual(doc.errors?.[0].message.de, doc.errors?.[0].message.en);
          return true;
        },
      );
    }
  });
});
