import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envPrefixFor, secretRefProblem } from './secrets';

const dir = '/var/run/secrets/amtsbote/payment';

describe('credential references are scoped to their tenant', () => {
  it('environment variables: PAYMENT_SECRET_<TENANT>_<NAME> only', () => {
    assert.equal(envPrefixFor('ba-wue'), 'PAYMENT_SECRET_BA_WUE_');
    assert.equal(secretRefProblem('hb', { env: 'PAYMENT_SECRET_HB_CLIENT_SECRET' }, dir), undefined);
    assert.match(secretRefProblem('hb', { env: 'DATABASE_PASSWORD' }, dir) ?? '', /PAYMENT_SECRET_HB_/);
    assert.ok(
      secretRefProblem('hb', { env: 'PAYMENT_SECRET_NW_CLIENT_SECRET' }, dir),
      "another tenant's secret",
    );
    assert.ok(secretRefProblem('hb', { env: 'PAYMENT_SECRET_HB_' }, dir), 'a name is needed');
    assert.ok(secretRefProblem('hb', { env: 'PAYMENT_SECRET_HB_lower' }, dir));
  });

  it('files: absolute, normalised, under <dir>/<tenant>/', () => {
    assert.equal(secretRefProblem('hb', { file: `${dir}/hb/client-secret` }, dir), undefined);
    assert.ok(secretRefProblem('hb', { file: `${dir}/nw/client-secret` }, dir));
    assert.ok(secretRefProblem('hb', { file: `${dir}/hb/../nw/client-secret` }, dir), 'no way out by ..');
    assert.ok(secretRefProblem('hb', { file: 'hb/client-secret' }, dir), 'relative');
    assert.ok(secretRefProblem('hb', { file: `${dir}/hb` }, dir), 'the directory itself');
    assert.ok(secretRefProblem('hb', { file: '/etc/passwd' }, dir));
  });
});
