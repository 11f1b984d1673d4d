import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loggableError, loggableSerializedError, withoutQuotedValues } from './loggable';

/** What TypeORM throws when PostgreSQL refuses a NUL in jsonb (22P05), with everything pg reports. */
function queryFailed(): Error {
  const err = new Error('unsupported Unicode escape sequence');
  Object.assign(err, {
    name: 'QueryFailedError',
    code: '22P05',
    severity: 'ERROR',
    routine: 'json_errsave_error',
    detail: '\\u0000 cannot be converted to text.',
    where: 'JSON data, line 1: {"G1":{"F1":"Geheimnis-Schmidt-4711',
    query: 'UPDATE "intake".drafts SET data = $2::jsonb WHERE id = $1',
    parameters: ['id', '{"G1":{"F1":"Geheimnis-Schmidt-4711\\u0000"}}'],
    driverError: { where: 'JSON data, line 1: {"G1":{"F1":"Geheimnis-Schmidt-4711' },
  });
  err.name = 'QueryFailedError';
  return err;
}

describe('loggableError', () => {
  it('keeps what describes a database failure and drops the data it quotes', () => {
    const logged = JSON.stringify(loggableError(queryFailed()), (_k, v: unknown) =>
      v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v,
    );
    assert.doesNotMatch(logged, /Geheimnis/);
    assert.match(logged, /22P05/);
    assert.match(logged, /UPDATE .*intake.*drafts/);
    assert.match(logged, /unsupported Unicode escape sequence/);
  });

  it('does the same to pino’s serialisation of the error', () => {
    const serialized = {
      type: 'QueryFailedError',
      ...queryFailed(),
      message: 'x',
      stack: 'QueryFailedError: x',
    };
    assert.doesNotMatch(JSON.stringify(loggableSerializedError(serialized)), /Geheimnis/);
  });

  it('replaces quoted values in messages', () => {
    assert.equal(
      withoutQuotedValues('invalid input syntax for type uuid: "Anna Schmidt"'),
      'invalid input syntax for type uuid: "…"',
    );
    assert.equal(
      withoutQuotedValues('duplicate key value violates unique constraint "k"; Key (email)=(a@b.de) exists'),
      'duplicate key value violates unique constraint "…"; Key (…)=(…) exists',
    );
  });

  it('leaves other errors alone', () => {
    const err = new TypeError('boom');
    assert.equal(loggableError(err), err);
  });
});
