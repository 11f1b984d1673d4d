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
});
