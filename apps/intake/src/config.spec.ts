import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@amtsbote/platform';
import { intakeConfigSchema } from './config';

const valid = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OIDC_ISSUERS: 'http://127.0.0.1:4400',
};

describe('intake config', () => {
  it('accepts a complete environment and applies defaults', () => {
    const c = loadConfig(intakeConfigSchema, valid);
    assert.equal(c.PORT, 3001);
    assert.deepEqual(c.KAFKA_BROKERS, ['127.0.0.1:9092']);
    assert.deepEqual(c.KAFKA_RETRY_DELAYS_MS, [1000, 10000, 60000]);
    assert.equal(c.KAFKA_PROVISION_TOPICS, true);
  });

  it('names every missing or malformed setting', () => {
    assert.throws(
      () =>
        loadConfig(intakeConfigSchema, { ...valid, DATABASE_URL: '', KAFKA_BROKERS: 'nohost', PORT: 'x' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const settings = err.issues.map((i) => i.setting).sort();
        assert.deepEqual(settings, ['DATABASE_URL', 'KAFKA_BROKERS.0', 'PORT']);
        assert.match(err.message, /DATABASE_URL: is required but not set/);
        return true;
      },
    );
  });

  it('the service refuses to start without a required setting and says which', () => {
    const main = join(__dirname, 'main.js');
    const { DATABASE_URL: _omitted, ...rest } = valid;
    const r = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, ...rest },
      encoding: 'utf8',
      timeout: 30000,
    });
    assert.equal(r.status, 78);
    assert.match(r.stderr, /intake: refusing to start/);
    assert.match(r.stderr, /DATABASE_URL: is required but not set/);
  });
});
