import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { stackPaths } from './paths';
import { errorMessage, fileSize, sleep, withLogTail } from './util';

/** What `.stack/pids/<name>.pid` holds: enough to tell our process from a stranger that inherited its pid. */
export interface PidRecord {
  name: string;
  pid: number;
  /** /proc/sys/kernel/random/boot_id at start: a pid file from before a reboot is stale. */
  bootId?: string;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): pid + start time identify one process. */
  startTime?: string;
  /** /proc/<pid>/cmdline as read right after the exec. */
  cmdline: string[];
  startedAt: string;
  logFile?: string;
  /** Component-specific facts, e.g. the ports a broker was started with. */
  meta?: Record<string, unknown>;
}

export interface ProcInfo {
  /** Single-letter process state from /proc/<pid>/stat ('R', 'S', 'Z', ...). */
  state: string;
  /** '' when unknown (no /proc). */
  startTime: string;
  cmdline: string[];
}

export type PidValidation = { ok: true } | { ok: false; reason: string };

export type ProcessStatus =
  { running: true; record: PidRecord } | { running: false; reason: string; record?: PidRecord };

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;
const hasProcFs = existsSync('/proc/self/stat');

/** Parses /proc/<pid>/stat; the command name in parentheses may itself contain spaces and parentheses. */
export function parseProcStat(stat: string): { state: string; startTime: string } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After "pid (comm) " come fields 3.. — state is field 3, starttime field 22.
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, startTime };
}

export function parseCmdline(raw: string): string[] {
  const parts = raw.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

export function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function readProcInfo(pid: number): ProcInfo | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (!hasProcFs) return readProcInfoViaPs(pid);
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (stat === undefined) return undefined;
    let cmdline: string[] = [];
    try {
      cmdline = parseCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // Unreadable cmdline (race with exit): identity then rests on the start time.
    }
    return { ...stat, cmdline };
  } catch {
    return undefined;
  }
}

// Fallback for systems without /proc (macOS): liveness via ps, no start time.
function readProcInfoViaPs(pid: number): ProcInfo | undefined {
  const res = spawnSync('ps', ['-o', 'stat=,command=', '-p', String(pid)], { encoding: 'utf8' });
  const line = res.status === 0 ? res.stdout.trim() : '';
  if (line === '') return undefined;
  const [state = '', ...cmd] = line.split(/\s+/);
  return { state: state.charAt(0), startTime: '', cmdline: cmd };
}

function threadCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

/**
 * Exited (or exiting for good). A multi-threaded process (the JVM) whose main thread exited shows state Z
 * while its other threads still run and hold its sockets, so a zombie only counts once it has one thread left.
 */
function isGone(info: ProcInfo | undefined, pid: number): boolean {
  if (info === undefined || info.state === 'X') return true;
  return info.state === 'Z' && (!hasProcFs || threadCount(pid) <= 1);
}

/** Pure: is the process described by `info` the one `record` was written for? */
export function validatePidRecord(
  record: PidRecord,
  info: ProcInfo | undefined,
  bootId: string | undefined,
): PidValidation {
  if (info === undefined) return { ok: false, reason: `pid ${record.pid} is not running` };
  if (info.state === 'Z' || info.state === 'X') return { ok: false, reason: `pid ${record.pid} has exited` };
  if (record.bootId !== undefined && bootId !== undefined && record.bootId !== bootId) {
    return { ok: false, reason: 'pid file is from before a reboot' };
  }
  if (record.startTime && info.startTime && record.startTime !== info.startTime) {
    return { ok: false, reason: `pid ${record.pid} now belongs to another process` };
  }
  const recorded = record.cmdline[0];
  const actual = info.cmdline[0];
  if (recorded !== undefined && actual !== undefined && path.basename(recorded) !== path.basename(actual)) {
    return { ok: false, reason: `pid ${record.pid} now runs '${actual}', not '${recorded}'` };
  }
  return { ok: true };
}

export function parsePidRecord(text: string): PidRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<PidRecord>;
    if (typeof value.name !== 'string' || !Number.isInteger(value.pid) || (value.pid ?? 0) <= 0)
      return undefined;
    return { ...value, cmdline: Array.isArray(value.cmdline) ? value.cmdline : [] } as PidRecord;
  } catch {
    return undefined;
  }
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) throw new Error(`Invalid process name '${name}' (letters, digits, . _ -)`);
}

export function pidFile(name: string, pidsDir: string = stackPaths().pidsDir): string {
  checkName(name);
  return path.join(pidsDir, `${name}.pid`);
}

export function readPidRecord(name: string, pidsDir?: string): PidRecord | undefined {
  try {
    return parsePidRecord(readFileSync(pidFile(name, pidsDir), 'utf8'));
  } catch {
    return undefined;
  }
}

function writePidRecord(record: PidRecord, pidsDir?: string): void {
  const file = pidFile(record.name, pidsDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, file);
}

function removePidFile(name: string, pidsDir?: string): void {
  rmSync(pidFile(name, pidsDir), { force: true });
}

/** Validates the pid file of `name`; a stale one (dead or foreign pid) is removed. */
export function processStatus(name: string, pidsDir?: string): ProcessStatus {
  const file = pidFile(name, pidsDir);
  if (!existsSync(file)) return { running: false, reason: 'no pid file' };
  const record = readPidRecord(name, pidsDir);
  if (record === undefined) {
    removePidFile(name, pidsDir);
    return { running: false, reason: 'unreadable pid file' };
  }
  const validation = validatePidRecord(record, readProcInfo(record.pid), readBootId());
  if (validation.ok) return { running: true, record };
  removePidFile(name, pidsDir);
  return { running: false, reason: validation.reason, record };
}

export function isRunning(name: string, pidsDir?: string): boolean {
  return processStatus(name, pidsDir).running;
}

/** All processes with a valid pid file (stale files are cleaned up on the way). */
export function listProcesses(pidsDir: string = stackPaths().pidsDir): PidRecord[] {
  let files: string[];
  try {
    files = readdirSync(pidsDir).filter((f) => f.endsWith('.pid'));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    const status = processStatus(f.slice(0, -4), pidsDir);
    return status.running ? [status.record] : [];
  });
}

/** Records an already running process (e.g. one started by `pg_ctl`) under `name`. */
export function adoptProcess(
  name: string,
  pid: number,
  extra: { logFile?: string; meta?: Record<string, unknown>; pidsDir?: string } = {},
): PidRecord | undefined {
  const info = readProcInfo(pid);
  if (isGone(info, pid) || info === undefined) return undefined;
  const record: PidRecord = {
    name,
    pid,
    bootId: readBootId(),
    startTime: info.startTime || undefined,
    cmdline: info.cmdline,
    startedAt: new Date().toISOString(),
    logFile: extra.logFile,
    meta: extra.meta,
  };
  writePidRecord(record, extra.pidsDir);
  return record;
}

export interface StartProcessOptions {
  /** Unique name; the pid file is `.stack/pids/<name>.pid`. */
  name: string;
  command: string;
  args?: readonly string[];
  /** Merged over `process.env`. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout + stderr are appended here; default `.stack/logs/<name>.log`. */
  logFile?: string;
  /** Real readiness check (protocol-level); polled until it resolves true. Exceptions count as "not yet". */
  ready: () => Promise<boolean>;
  /** Default 60 s. */
  timeoutMs?: number;
  /** Default 250 ms. */
  pollMs?: number;
  /** Run as another user (PostgreSQL refuses root). */
  uid?: number;
  gid?: number;
  meta?: Record<string, unknown>;
  /** Signal used to stop the process if it never becomes ready. Default SIGTERM. */
  stopSignal?: NodeJS.Signals;
  pidsDir?: string;
}

export interface StartedProcess {
  name: string;
  pid: number;
  /** True when it was already running and only its readiness was verified. */
  alreadyRunning: boolean;
  /** Wall time of this call. */
  ms: number;
  logFile?: string;
  record: PidRecord;
}

async function pollReady(
  ready: () => Promise<boolean>,
  deadline: number,
  pollMs: number,
  exited: () => string | undefined,
): Promise<{ ok: true } | { ok: false; why: string }> {
  let lastError: string | undefined;
  for (;;) {
    const exit = exited();
    if (exit !== undefined) return { ok: false, why: exit };
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      return { ok: false, why: `not ready in time${lastError ? ` (last probe error: ${lastError})` : ''}` };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const ok = await Promise.race([
        ready(),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), remaining);
        }),
      ]);
      if (ok) return { ok: true };
    } catch (err) {
      lastError = errorMessage(err);
    } finally {
      clearTimeout(timer);
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - performance.now())));
  }
}

/**
 * Starts `command` detached (own session, stdio to a log file, survives this process), writes its pid file
 * and waits until `ready()` holds. If a valid pid file says it is already running, only readiness is
 * verified. On early exit or timeout the process is stopped and the error carries the log tail.
 */
export async function startProcess(opts: StartProcessOptions): Promise<StartedProcess> {
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const pollMs = opts.pollMs ?? 250;
  const deadline = t0 + timeoutMs;

  const status = processStatus(opts.name, opts.pidsDir);
  if (status.running) {
    const result = await pollReady(opts.ready, deadline, pollMs, () =>
      isRunning(opts.name, opts.pidsDir) ? undefined : 'it exited',
    );
    if (!result.ok) {
      throw new Error(
        withLogTail(
          `${opts.name} is running (pid ${status.record.pid}) but not ready: ${result.why}`,
          status.record.logFile,
        ),
      );
    }
    return {
      name: opts.name,
      pid: status.record.pid,
      alreadyRunning: true,
      ms: performance.now() - t0,
      logFile: status.record.logFile,
      record: status.record,
    };
  }

  const logFile = opts.logFile ?? path.join(stackPaths().stackDir, 'logs', `${opts.name}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const logOffset = fileSize(logFile);
  const fd = openSync(logFile, 'a');
  let child;
  try {
    writeSync(fd, `\n=== ${new Date().toISOString()} starting ${opts.name}: ${opts.command} ===\n`);
    child = spawn(opts.command, opts.args ?? [], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      detached: true,
      stdio: ['ignore', fd, fd],
      uid: opts.uid,
      gid: opts.gid,
    });
  } finally {
    closeSync(fd);
  }
  try {
    await once(child, 'spawn');
  } catch (err) {
    throw new Error(`Cannot start ${opts.name} (${opts.command}): ${errorMessage(err)}`);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Cannot start ${opts.name}: no pid`);
  let exitInfo: string | undefined;
  child.once('exit', (code, signal) => {
    exitInfo = signal !== null ? `it was killed by ${signal}` : `it exited with code ${String(code)}`;
  });
  child.unref();

  const info = readProcInfo(pid);
  const record: PidRecord = {
    name: opts.name,
    pid,
    bootId: readBootId(),
    startTime: info?.startTime || undefined,
    cmdline: info?.cmdline.length ? info.cmdline : [opts.command, ...(opts.args ?? [])],
    startedAt: new Date().toISOString(),
    logFile,
    meta: opts.meta,
  };
  writePidRecord(record, opts.pidsDir);

  const result = await pollReady(opts.ready, deadline, pollMs, () => exitInfo);
  if (!result.ok) {
    await stopProcess(opts.name, { signal: opts.stopSignal, timeoutMs: 10_000, pidsDir: opts.pidsDir });
    throw new Error(
      withLogTail(
        `${opts.name} did not become ready within ${Math.round(timeoutMs / 1000)} s: ${result.why}`,
        logFile,
        logOffset,
      ),
    );
  }
  return { name: opts.name, pid, alreadyRunning: false, ms: performance.now() - t0, logFile, record };
}

export interface StopProcessOptions {
  /** First signal; default SIGTERM (PostgreSQL: SIGINT = fast shutdown). */
  signal?: NodeJS.Signals;
  /** How long to wait after the first signal before SIGKILL to the process group. Default 30 s. */
  timeoutMs?: number;
  pidsDir?: string;
}

async function waitGone(record: PidRecord, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const info = readProcInfo(record.pid);
    if (
      isGone(info, record.pid) ||
      (record.startTime && info?.startTime && info.startTime !== record.startTime)
    ) {
      return true;
    }
    if (performance.now() >= deadline) return false;
    await sleep(100);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Stops `name` if it runs: signal, wait, then SIGKILL. Resolves true if a process was stopped. */
export async function stopProcess(name: string, opts: StopProcessOptions = {}): Promise<boolean> {
  const status = processStatus(name, opts.pidsDir);
  if (!status.running) return false;
  const { record } = status;
  signal(record.pid, opts.signal ?? 'SIGTERM');
  if (!(await waitGone(record, opts.timeoutMs ?? 30_000))) {
    // Detached children lead their own process group: take helpers (e.g. PostgreSQL backends) down too.
    try {
      process.kill(-record.pid, 'SIGKILL');
    } catch {
      signal(record.pid, 'SIGKILL');
    }
    if (!(await waitGone(record, 5_000))) {
      throw new Error(`${name} (pid ${record.pid}) survived SIGKILL`);
    }
  }
  removePidFile(name, opts.pidsDir);
  return true;
}
