import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms. */
const MS_PER_TICK = 10;

interface Proc {
  ppid: number;
  /** CPU time of the process itself (user + system), ms. */
  self: number;
  /** CPU time of its children that exited and were waited for, ms. */
  reaped: number;
}

/** Every process's CPU time at one moment, from /proc/<pid>/stat. */
export type CpuSnapshot = Map<number, Proc>;

/** Fields after `comm` in /proc/<pid>/stat → ppid and times. Pure. */
export function parseStat(stat: string): Proc | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = stat.slice(close + 2).split(' ');
  // f[0] state, f[1] ppid, … f[11] utime, f[12] stime, f[13] cutime, f[14] cstime
  const n = (i: number) => Number(f[i]) * MS_PER_TICK;
  return { ppid: Number(f[1]), self: n(11) + n(12), reaped: n(13) + n(14) };
}

export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const p = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (p) out.set(Number(name), p);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The pids of `root` and all its descendants in `s`. */
function tree(s: CpuSnapshot, root: number): number[] {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) for (const [pid, p] of s) if (p.ppid === pids[i]) pids.push(pid);
  return pids.filter((pid) => s.has(pid));
}

/**
 * What a process group is measured as: `pid` alone (`self`: a service, the bench without its children) or
 * with its descendants (`tree`: PostgreSQL's postmaster with its backends; a backend that exits during the
 * measurement moves its time into the postmaster's reaped children's time, so the total stays whole).
 */
export interface CpuGroup {
  name: string;
  pid: number;
  tree?: boolean;
}

/**
 * CPU time (ms) each group used between two snapshots. `split` attributes processes of one tree group to
 * sub-groups (PostgreSQL backends to the service they serve, by `application_name`): they appear as
 * `<group>:<sub-group>`, and `<group>` keeps what is left (background processes, exited backends).
 */
export function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  groups: CpuGroup[],
  split: { group: string; pids: Map<number, string> } = { group: '', pids: new Map() },
): Record<string, number> {
  const out: Record<string, number> = {};
  const total = (p: Proc | undefined, withReaped: boolean) => (p ? p.self + (withReaped ? p.reaped : 0) : 0);
  for (const g of groups) {
    const withReaped = g.tree === true;
    const sum = (s: CpuSnapshot) =>
      (withReaped ? tree(s, g.pid) : [g.pid]).reduce((ms, pid) => ms + total(s.get(pid), withReaped), 0);
    let ms = sum(after) - sum(before);
    if (g.name === split.group) {
      for (const [pid, sub] of split.pids) {
        if (!after.has(pid)) continue; // exited: its time is in its parent's reaped time
        const own = total(after.get(pid), false) - total(before.get(pid), false);
        out[`${g.name}:${sub}`] = (out[`${g.name}:${sub}`] ?? 0) + own;
        ms -= own;
      }
    }
    out[g.name] = (out[g.name] ?? 0) + ms;
  }
  return out;
}

/** Busy and total CPU time (ms) of the whole machine so far, all cores, from /proc/stat. */
export function machineTime(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + (fields[4] ?? 0); // idle and iowait
  return { busy: (total - idle) * MS_PER_TICK, total: total * MS_PER_TICK };
}

/** The 1-minute load average, from /proc/loadavg: how busy the shared machine was besides us. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}
