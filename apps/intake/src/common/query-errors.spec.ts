import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutParameters } from './query-errors';

describe('withoutParameters', () => {
  it('removes query parameters (form data) from a failed query and keeps what classifies the error', async () => {
    const failure = Object.assign(new Error('invalid input syntax'), {
      code: '22P02',
      parameters: ['{"F1":"Geheim"}'],
      driverError: { code: '22P02' },
    });
    await assert.rejects(
      withoutParameters(Promise.reject(failure)),
      (err: Error & Record<string, unknown>) => {
        assert.equal(err, failure);
        assert.equal(err.parameters, '[redacted]');
        assert.equal(err.code, '22P02');
        assert.doesNotMatch(JSON.stringify(err), /Geheim/);
        return true;
      },
    );
  });

  it('passes results through', async () => {
    assert.equal(await withoutParameters(Promise.resolve(3)), 3);
  });
});
