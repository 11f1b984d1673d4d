import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@amtsbote/platform';
import { effectiveSettings, routingConfigSchema } from './config';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OIDC_ISSUERS: 'http://127.0.0.1:4400',
};

describe('routing config', () => {
  it('has development defaults, and finds the shared fixtures as schema directory', () => {
    const c = loadConfig(routingConfigSchema, base);
    assert.equal(c.ROUTING_PULL_ALERT_DAYS, 3);
    assert.equal(c.ROUTING_PULL_EXPIRE_DAYS, 14);
    assert.match(effectiveSettings(c).schemaDir, /shared\/fixtures$/);
    assert.equal(effectiveSettings(c).secretsKey.length, 32);
  });

  it('requires the schema directory and the secrets in production, named one by one', () => {
    assert.throws(
      () => loadConfig(routingConfigSchema, { ...base, NODE_ENV: 'production' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        ['XOEV_SCHEMA_DIR', 'ROUTING_FILE_URL_SECRET', 'ROUTING_SECRETS_KEY'].every((k) =>
          err.issues.some((i) => i.setting === k),
        ),
    );
  });

  it('needs a storage directory in production with the filesystem store, and a bucket instead with S3', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      XOEV_SCHEMA_DIR: '/schemas',
      ROUTING_FILE_URL_SECRET: 's'.repeat(40),
      ROUTING_SECRETS_KEY: Buffer.alloc(32).toString('base64'),
    };
    assert.throws(() => loadConfig(routingConfigSchema, production), /ROUTING_STORAGE_DIR/);
    assert.equal(
      loadConfig(routingConfigSchema, { ...production, ROUTING_STORAGE_DIR: '/var/lib/amtsbote/routing' })
        .FILE_STORE,
      'filesystem',
    );
    assert.throws(
      () => loadConfig(routingConfigSchema, { ...production, FILE_STORE: 's3' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.issues.some((i) => i.setting === 'FILE_STORE_S3_BUCKET') &&
        !err.issues.some((i) => i.setting === 'ROUTING_STORAGE_DIR'),
    );
    const s3 = loadConfig(routingConfigSchema, {
      ...production,
      FILE_STORE: 's3',
      FILE_STORE_S3_BUCKET: 'amtsbote-files',
    });
    assert.equal(s3.FILE_STORE_S3_BUCKET, 'amtsbote-files');
  });

  it('refuses an expiry that does not come after the alert, and a secrets key that is not 32 bytes', () => {
    assert.throws(
      () =>
        loadConfig(routingConfigSchema, {
          ...base,
          ROUTING_PULL_ALERT_DAYS: '5',
          ROUTING_PULL_EXPIRE_DAYS: '4',
        }),
      /ROUTING_PULL_EXPIRE_DAYS/,
    );
    assert.throws(
      () =>
        loadConfig(routingConfigSchema, {
          ...base,
          ROUTING_SECRETS_KEY: Buffer.alloc(16).toString('base64'),
        }),
      /ROUTING_SECRETS_KEY/,
    );
  });

  it('validates the Routing API settings at boot: URLs, timeout bound, signed routes in production', () => {
    assert.throws(
      () => loadConfig(routingConfigSchema, { ...base, ROUTING_FITCONNECT_ROUTING_API_URL: 'not a url' }),
      /ROUTING_FITCONNECT_ROUTING_API_URL/,
    );
    assert.throws(
      () => loadConfig(routingConfigSchema, { ...base, ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS: '60000' }),
      /ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS/,
    );
    assert.throws(
      () => loadConfig(routingConfigSchema, { ...base, ROUTING_FITCONNECT_ROUTING_API_CACHE_MS: '0' }),
      /ROUTING_FITCONNECT_ROUTING_API_CACHE_MS/,
    );
    const production = {
      ...base,
      NODE_ENV: 'production',
      XOEV_SCHEMA_DIR: '/schemas',
      ROUTING_FILE_URL_SECRET: 's'.repeat(40),
      ROUTING_SECRETS_KEY: Buffer.alloc(32).toString('base64'),
      ROUTING_STORAGE_DIR: '/var/lib/amtsbote/routing',
      ROUTING_FITCONNECT_ROUTING_API_URL: 'https://routing-api-prod.fit-connect.fitko.net/v1',
    };
    assert.throws(
      () => loadConfig(routingConfigSchema, production),
      /ROUTING_FITCONNECT_ROUTING_API_JWKS_URL/,
    );
    const c = loadConfig(routingConfigSchema, {
      ...production,
      ROUTING_FITCONNECT_ROUTING_API_JWKS_URL: 'https://portal.example/.well-known/jwks.json',
    });
    assert.equal(c.ROUTING_FITCONNECT_ROUTING_API_CACHE_MS, 300_000);
    assert.equal(c.ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS, 5_000);
  });
});
