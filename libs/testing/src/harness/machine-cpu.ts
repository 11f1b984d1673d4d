import { readdirSync, readFileSync } from 'node:fs';
import { machineTime as machineTotals } from './process-cpu';

/** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms. */
const MS_PER_TICK = 10;

/**
 * CPU time (ms) of the machine's processes so far, by program: `bench` (this process), `node` (other Node
 * processes, e.g. a service under test), `java` (Kafka), `postgres`, `other`.
 */
function programTotals(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const program =
      Number(pid) === process.pid ? 'bench' : (/^(node|java|postgres)/.exec(comm)?.[1] ?? 'other');
    out[program] = (out[program] ?? 0) + (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  }
  return out;
}

export interface CpuUse {
  /** Share of the machine (all cores) that was busy. */
  busy: number;
  /** Machine CPU time (every process) per unit of work, in µs. */
  usPerUnit: number;
  /** The same by program (see `programTotals`), in µs. */
  usPerUnitByProgram: Record<string, number>;
}

/**
 * Measures the whole machine's CPU while `work` runs and divides it by the units of work it did: on a
 * machine shared by the code under test, Kafka and PostgreSQL, that cost is what bounds the rate.
 */
export async function withMachineCpu<T>(
  work: () => Promise<T>,
  units: (result: T) => number,
): Promise<{ result: T; cpu: CpuUse }> {
  const before = machineTotals();
  const programsBefore = programTotals();
  const result = await work();
  const after = machineTotals();
  const programsAfter = programTotals();
  const n = Math.max(1, units(result));
  const busyMs = after.busy - before.busy;
  const usPerUnitByProgram: Record<string, number> = {};
  for (const [program, ms] of Object.entries(programsAfter)) {
    const us = Math.round(((ms - (programsBefore[program] ?? 0)) * 1000) / n);
    if (us > 0) usPerUnitByProgram[program] = us;
  }
  return {
    result,
    cpu: { busy: busyMs / (after.total - before.total), usPerUnit: (busyMs * 1000) / n, usPerUnitByProgram },
  };
}

/** "machine 78 % busy, 115 µs CPU per event (node 64, postgres 40, …)". */
export function describeCpu(cpu: CpuUse, unit: string): string {
  const parts = Object.entries(cpu.usPerUnitByProgram)
    .sort((a, b) => b[1] - a[1])
    .map(([program, us]) => `${program} ${us}`)
    .join(', ');
  return `machine ${(cpu.busy * 100).toFixed(0)} % busy, ${cpu.usPerUnit.toFixed(0)} µs CPU per ${unit} (${parts})`;
}
