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

  it('has development defaults for storage, signing and retention', () => {
    const c = loadConfig(intakeConfigSchema, valid);
    assert.equal(c.INTAKE_STORAGE_DIR, undefined);
    assert.equal(c.INTAKE_DOWNLOAD_URL_TTL_SECONDS, 86400);
    assert.equal(c.INTAKE_PURGE_AFTER_DAYS, 30);
    assert.equal(c.INTAKE_IDEMPOTENCY_TTL_HOURS, 48);
    assert.equal(c.INTAKE_CODELIST_VERSIONS, 'newest');
  });

  it('takes only newest or exact as the code-list version rule', () => {
    assert.equal(
      loadConfig(intakeConfigSchema, { ...valid, INTAKE_CODELIST_VERSIONS: 'exact' })
        .INTAKE_CODELIST_VERSIONS,
      'exact',
    );
    assert.throws(
      () => loadConfig(intakeConfigSchema, { ...valid, INTAKE_CODELIST_VERSIONS: 'latest' }),
      (err: unknown) =>
        err instanceof ConfigError && err.issues.some((i) => i.setting === 'INTAKE_CODELIST_VERSIONS'),
    );
  });

  it('requires storage, signing secret and public URL in production, and a long secret', () => {
    assert.throws(
      () => loadConfig(intakeConfigSchema, { ...valid, NODE_ENV: 'production' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.issues.map((i) => i.setting).sort(), [
          'INTAKE_DOWNLOAD_URL_SECRET',
          'INTAKE_PUBLIC_URL',
          'INTAKE_STORAGE_DIR',
        ]);
        return true;
      },
    );
    const prod = loadConfig(intakeConfigSchema, {
      ...valid,
      NODE_ENV: 'production',
      INTAKE_STORAGE_DIR: '/var/lib/intake',
      INTAKE_DOWNLOAD_URL_SECRET: 'x'.repeat(32),
      INTAKE_PUBLIC_URL: 'https://intake.example',
    });
    assert.equal(prod.INTAKE_PUBLIC_URL, 'https://intake.example');
    assert.throws(
      () => loadConfig(intakeConfigSchema, { ...valid, INTAKE_DOWNLOAD_URL_SECRET: 'short' }),
      ConfigError,
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
