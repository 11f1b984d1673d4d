import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuBetween, type CpuSnapshot, parseStat } from './process-cpu';

const proc = (ppid: number, self: number, reaped = 0) => ({ ppid, self, reaped });

describe('process CPU', () => {
  it('reads ppid and times from /proc/<pid>/stat, whatever the command name holds', () => {
    const stat = '42 (postgres: a) b) S 7 42 42 0 -1 4194560 1 0 0 0 12 3 40 5 20 0 1 0 100 0 0';
    assert.deepEqual(parseStat(stat), { ppid: 7, self: 150, reaped: 450 });
  });

  it('keeps a tree whole when a child exits, and splits attributed children off', () => {
    const before: CpuSnapshot = new Map([
      [10, proc(1, 100)],
      [11, proc(10, 50)],
      [12, proc(10, 30)],
      [20, proc(1, 200)],
    ]);
    // 12 exited after 10 more ms (its 40 ms moved to 10's reaped time); 13 is new; 11 belongs to "intake".
    const after: CpuSnapshot = new Map([
      [10, proc(1, 110, 40)],
      [11, proc(10, 80)],
      [13, proc(10, 5)],
      [20, proc(1, 260)],
    ]);
    const out = cpuBetween(
      before,
      after,
      [
        { name: 'postgres', pid: 10, tree: true },
        { name: 'intake', pid: 20 },
      ],
      { group: 'postgres', pids: new Map([[11, 'intake']]) },
    );
    assert.deepEqual(out, { 'postgres:intake': 30, postgres: 10 + 10 + 5, intake: 60 });
  });
});
