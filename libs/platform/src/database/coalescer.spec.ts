import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer } from './coalescer';

/** A run that takes a turn of the event loop, records its batches, and refuses items named in `bad`. */
function recorder(bad: ReadonlySet<number> = new Set()) {
  const batches: number[][] = [];
  const c = new Coalescer<number, number>(async (items) => {
    batches.push(items);
    await new Promise((r) => setImmediate(r));
    if (items.some((i) => bad.has(i))) throw new Error(`refused ${items.join(',')}`);
    return items.map((i) => i * 10);
  }, 3);
  return { c, batches };
}

void describe('Coalescer', () => {
  void it('runs a lone call at once and alone', async () => {
    const { c, batches } = recorder();
    assert.equal(await c.call(1), 10);
    assert.deepEqual(batches, [[1]]);
  });

  void it('runs the calls that arrive meanwhile together, in order, at most maxBatch at a time', async () => {
    const { c, batches } = recorder();
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => c.call(i)));
    assert.deepEqual(answers, [10, 20, 30, 40, 50, 60]);
    assert.deepEqual(batches, [[1], [2, 3, 4], [5, 6]]);
  });

  void it("keeps one item's failure its own: the others of its batch succeed when run alone", async () => {
    const { c, batches } = recorder(new Set([3]));
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => c.call(i)));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      [10, 20, 'refused 3', 40],
    );
    assert.deepEqual(batches, [[1], [2, 3, 4], [2], [3], [4]]);
    // And it keeps working afterwards.
    assert.equal(await c.call(7), 70);
  });
});
