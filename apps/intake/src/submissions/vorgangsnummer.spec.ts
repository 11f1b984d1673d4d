import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatVorgangsnummer, germanYear, NumberBlocks } from './vorgangsnummer';

describe('Vorgangsnummer', () => {
  it('is tenant, year and a zero-padded number', () => {
    assert.equal(formatVorgangsnummer('hb', 2026, 123), 'HB-2026-000123');
    assert.equal(formatVorgangsnummer('nw-koeln', 2026, 1234567), 'NW-KOELN-2026-1234567');
  });

  it('counts the year in German time', () => {
    assert.equal(germanYear(new Date('2025-12-31T23:30:00Z')), 2026);
    assert.equal(germanYear(new Date('2025-12-31T22:30:00Z')), 2025);
    assert.equal(germanYear(new Date('2026-07-01T12:00:00Z')), 2026);
  });
});

describe('NumberBlocks', () => {
  function counter() {
    const last = new Map<string, number>();
    const reservations: number[] = [];
    return {
      reservations,
      reserve: async (key: string, count: number) => {
        await new Promise((r) => setImmediate(r));
        reservations.push(count);
        last.set(key, (last.get(key) ?? 0) + count);
        return last.get(key)!;
      },
    };
  }

  it('reserves one number at a time while it is quiet, so numbers stay consecutive', async () => {
    const c = counter();
    let now = 0;
    const blocks = new NumberBlocks(c.reserve, { blockMs: 50, maxBlock: 100, now: () => now });
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      got.push(await blocks.next('hb/2026'));
      now += 2000;
    }
    assert.deepEqual(got, [1, 2, 3, 4, 5]);
    assert.deepEqual(c.reservations, [1, 1, 1, 1, 1]);
  });

  it('reserves blocks under load and never hands out a number twice, even concurrently', async () => {
    const c = counter();
    let now = 0;
    const blocks = new NumberBlocks(c.reserve, { blockMs: 50, maxBlock: 100, now: () => now });
    const got: number[] = [];
    // 1000 requests per second for three seconds, 20 at once.
    for (let ms = 0; ms < 3000; ms += 20) {
      now = ms;
      got.push(...(await Promise.all(Array.from({ length: 20 }, () => blocks.next('hb/2026')))));
    }
    assert.equal(new Set(got).size, got.length);
    assert.ok(c.reservations.length < got.length / 10, `${c.reservations.length} reservations`);
    assert.ok(Math.max(...c.reservations) <= 100);
    // Only what was reserved is handed out, and nothing reserved is lost while the process runs.
    assert.equal(Math.max(...got), c.reservations.reduce((a, b) => a + b, 0) - unused(blocks));
  });

  it('keeps keys apart', async () => {
    const blocks = new NumberBlocks(counter().reserve);
    assert.equal(await blocks.next('hb/2026'), 1);
    assert.equal(await blocks.next('hb/2027'), 1);
    assert.equal(await blocks.next('hb/2026'), 2);
  });
});

/** Numbers reserved but not yet handed out (the gap a stop would leave). */
function unused(blocks: NumberBlocks): number {
  const state = (blocks as unknown as { blocks: Map<string, { next: number; last: number }> }).blocks;
  return [...state.values()].reduce((sum, b) => sum + (b.last - b.next + 1), 0);
}
