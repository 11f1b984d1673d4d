import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@amtsbote/platform';
import { paymentConfigSchema, providerEnvironment } from './config';

const minimal = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OIDC_ISSUERS: 'http://127.0.0.1:4400',
};

describe('payment config', () => {
  it('has defaults and keeps only PAYMENT_SECRET_* of the unknown variables', () => {
    const c = loadConfig(paymentConfigSchema, {
      ...minimal,
      PAYMENT_SECRET_HB_CLIENT_SECRET: 's3cr3t',
      PATH: '/usr/bin',
      AWS_SECRET_ACCESS_KEY: 'not ours',
    });
    assert.equal(c.PORT, 3003);
    assert.equal(c.PAYMENT_DEADLINE_SECONDS, 86400);
    assert.equal(c.PAYMENT_RECONCILE_INTERVAL_SECONDS, 900);
    assert.deepEqual(c.PAYMENT_RETURN_URL_ORIGINS, []);
    assert.equal(c.PAYMENT_SECRET_HB_CLIENT_SECRET, 's3cr3t');
    assert.equal('PATH' in c, false);
    assert.equal('AWS_SECRET_ACCESS_KEY' in c, false);
    assert.equal(providerEnvironment(c), 'test');
  });

  it('normalises return URL origins and the public base URL', () => {
    const c = loadConfig(paymentConfigSchema, {
      ...minimal,
      PAYMENT_RETURN_URL_ORIGINS: 'https://portal.example.de/antrag, http://localhost:8080/',
      PAYMENT_PUBLIC_BASE_URL: 'https://amtsbote.example.de/payment/',
    });
    assert.deepEqual(c.PAYMENT_RETURN_URL_ORIGINS, ['https://portal.example.de', 'http://localhost:8080']);
    assert.equal(c.PAYMENT_PUBLIC_BASE_URL, 'https://amtsbote.example.de/payment');
  });

  it('refuses production without a public base URL, naming the setting', () => {
    assert.throws(
      () => loadConfig(paymentConfigSchema, { ...minimal, NODE_ENV: 'production' }),
      (err: unknown) =>
        err instanceof ConfigError && err.issues.some((i) => i.setting === 'PAYMENT_PUBLIC_BASE_URL'),
    );
    const c = loadConfig(paymentConfigSchema, {
      ...minimal,
      NODE_ENV: 'production',
      PAYMENT_PUBLIC_BASE_URL: 'https://amtsbote.example.de/payment',
    });
    assert.equal(providerEnvironment(c), 'production');
  });
});
