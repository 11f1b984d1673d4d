import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseConfigSchema, loadConfig } from '@amtsbote/platform';
import { messagingOptionsFrom } from './service-core';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OIDC_ISSUERS: 'http://127.0.0.1:4400',
  PORT: '3000',
};
const DAY_MS = 24 * 3600 * 1000;

const options = (env: Record<string, string>) =>
  messagingOptionsFrom({
    service: 'intake',
    schema: 'intake',
    config: loadConfig(baseConfigSchema, { ...base, ...env }),
    topics: [],
  });

describe('messaging settings', () => {
  it('remember handled event ids for 30 days unless INBOX_RETENTION_DAYS says otherwise', () => {
    assert.equal(options({}).inboxRetentionMs, 30 * DAY_MS);
    assert.equal(options({ INBOX_RETENTION_DAYS: '10' }).inboxRetentionMs, 10 * DAY_MS);
  });

  it('refuses a retention of zero days, naming the setting', () => {
    assert.throws(() => options({ INBOX_RETENTION_DAYS: '0' }), /INBOX_RETENTION_DAYS/);
  });
});
