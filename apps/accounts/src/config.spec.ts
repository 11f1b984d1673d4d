import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@amtsbote/platform';
import { accountsConfigSchema } from './config';

const base = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/db',
  KAFKA_BROKERS: 'localhost:9092',
  OIDC_ISSUERS: 'http://127.0.0.1:4400',
};

void describe('accounts config', () => {
  void it('runs without any accounts setting outside production (no SMTP, local file store)', () => {
    const c = loadConfig(accountsConfigSchema, base);
    assert.equal(c.SMTP_HOST, undefined);
    assert.equal(c.ACCOUNTS_FILE_URL_TTL_SECONDS, 3600);
    assert.deepEqual(c.ACCOUNTS_UPLOAD_MEDIA_TYPES, [
      'application/pdf',
      'image/jpeg',
      'image/png',
      'text/plain',
    ]);
  });

  void it('names every setting production needs', () => {
    assert.throws(
      () => loadConfig(accountsConfigSchema, { ...base, NODE_ENV: 'production' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        ['ACCOUNTS_PUBLIC_URL', 'ACCOUNTS_FILE_URL_SECRET', 'ACCOUNTS_STORAGE_DIR'].every((s) =>
          e.issues.some((i) => i.setting === s),
        ),
    );
  });

  void it('refuses a short URL secret and a confirmation URL without {token}', () => {
    assert.throws(
      () => loadConfig(accountsConfigSchema, { ...base, ACCOUNTS_FILE_URL_SECRET: 'short' }),
      ConfigError,
    );
    assert.throws(
      () =>
        loadConfig(accountsConfigSchema, {
          ...base,
          ACCOUNTS_EMAIL_CONFIRM_URL: 'https://portal.example/confirm',
        }),
      ConfigError,
    );
  });
});
