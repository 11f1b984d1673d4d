import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { main } from './cli';

void describe('stack CLI argument handling', () => {
  void it('prints usage and fails without a command or with unknown components', async () => {
    const err = mock.method(console, 'error', () => undefined);
    try {
      assert.equal(await main([]), 1);
      assert.equal(await main(['start', 'redis']), 1);
      assert.equal(await main(['explode']), 1);
      const text = err.mock.calls.map((c) => String(c.arguments[0])).join('\n');
      assert.match(text, /Unknown component\(s\): redis/);
      assert.match(text, /Unknown command 'explode'/);
      assert.match(text, /Usage:/);
    } finally {
      err.mock.restore();
    }
  });

  void it('prints usage with --help and succeeds', async () => {
    const log = mock.method(console, 'log', () => undefined);
    try {
      assert.equal(await main(['--help']), 0);
      assert.match(String(log.mock.calls[0]?.arguments[0]), /start\|stop\|status\|restart/);
    } finally {
      log.mock.restore();
    }
  });
});
