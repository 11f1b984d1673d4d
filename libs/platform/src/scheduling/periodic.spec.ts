import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '@nestjs/common';
import { Periodic } from './periodic';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quietLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (_: unknown, message: string) => warnings.push(message) } as unknown as Logger & {
    warnings: string[];
  };
}

describe('Periodic', () => {
  it('runs again after a failed run, never two at once, and stop() waits for the run in progress', async () => {
    const logger = quietLogger();
    let runs = 0;
    let active = 0;
    let overlapped = false;
    let finished = 0;
    const p = new Periodic(
      'job',
      5,
      async () => {
        runs++;
        active++;
        if (active > 1) overlapped = true;
        await sleep(15); // longer than the interval
        active--;
        finished++;
        if (runs === 1) throw new Error('first run fails');
      },
      logger,
    );
    p.start(0);
    while (runs < 3) await sleep(5);
    await p.stop();
    assert.equal(overlapped, false);
    assert.equal(finished, runs, 'stop() returned only after the run in progress finished');
    assert.deepEqual(logger.warnings, ['job run failed']);
    const after = runs;
    await sleep(30);
    assert.equal(runs, after, 'no run after stop()');
  });
});
