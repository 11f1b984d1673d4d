import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POSTGRES_URL, postgresServerArgs, postgresUrl } from './postgres';

void describe('postgresServerArgs', () => {
  const args = postgresServerArgs('/repo/.stack/postgres/data', 55432);
  const settings = new Map(
    args.flatMap((a, i) => (args[i - 1] === '-c' ? [a.split('=', 2) as [string, string]] : [])),
  );

  void it('listens on loopback only, on the given port', () => {
    assert.deepEqual(args.slice(0, 2), ['-D', '/repo/.stack/postgres/data']);
    assert.equal(settings.get('listen_addresses'), '127.0.0.1');
    assert.equal(settings.get('port'), '55432');
  });

  void it('allows many connections but keeps the durability defaults', () => {
    assert.equal(settings.get('max_connections'), '300');
    for (const key of ['fsync', 'synchronous_commit', 'full_page_writes'])
      assert.equal(settings.has(key), false, key);
  });
});

void describe('postgresUrl', () => {
  void it('builds dev URLs and matches the POSTGRES_URL constant by default', () => {
    assert.equal(POSTGRES_URL, 'postgres://postgres:postgres@127.0.0.1:55432/amtsbote');
    assert.equal(postgresUrl('amtsbote', { port: 55432 }), POSTGRES_URL);
    assert.equal(
      postgresUrl('intake_test', { port: 6543 }),
      'postgres://postgres:postgres@127.0.0.1:6543/intake_test',
    );
    assert.equal(postgresUrl('a b', { port: 1 }), 'postgres://postgres:postgres@127.0.0.1:1/a%20b');
  });
});
