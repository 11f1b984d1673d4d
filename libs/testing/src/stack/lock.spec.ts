import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { withLock } from './lock';
import { sleep } from './util';

void describe('withLock', () => {
  const locksDir = mkdtempSync(path.join(tmpdir(), 'stack-lock-'));
  after(() => rmSync(locksDir, { recursive: true, force: true }));

  void it('runs concurrent holders one after the other and releases the file', async () => {
    const events: string[] = [];
    const job = (id: string) =>
      withLock(
        'demo',
        async () => {
          events.push(`${id}:in`);
          await sleep(50);
          events.push(`${id}:out`);
          return id;
        },
        { locksDir },
      );
    assert.deepEqual(await Promise.all([job('a'), job('b')]), ['a', 'b']);
    assert.deepEqual(events, ['a:in', 'a:out', 'b:in', 'b:out']);
    assert.equal(existsSync(path.join(locksDir, 'demo.lock')), false);
  });

  void it('releases the lock when the holder throws', async () => {
    await assert.rejects(
      withLock('boom', () => Promise.reject(new Error('x')), { locksDir }),
      /x/,
    );
    assert.equal(await withLock('boom', () => Promise.resolve(1), { locksDir, timeoutMs: 500 }), 1);
  });

  void it('takes over the lock of a dead holder', async () => {
    // pid 2^22 + 1 is above the Linux pid_max default ceiling, so it cannot be alive.
    writeFileSync(
      path.join(locksDir, 'stale.lock'),
      JSON.stringify({ pid: 4194305, token: 't', since: 'x' }),
    );
    assert.equal(await withLock('stale', () => Promise.resolve('ok'), { locksDir, timeoutMs: 1_000 }), 'ok');
  });

  void it('times out while a live holder keeps it', async () => {
    writeFileSync(
      path.join(locksDir, 'busy.lock'),
      JSON.stringify({ pid: process.pid, token: 't', since: 'x' }),
    );
    await assert.rejects(
      withLock('busy', () => Promise.resolve(), { locksDir, timeoutMs: 300 }),
      /Timed out waiting/,
    );
  });
});
