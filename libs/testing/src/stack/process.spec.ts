import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  listProcesses,
  parsePidRecord,
  parseProcStat,
  pidFile,
  processStatus,
  readPidRecord,
  readProcInfo,
  startProcess,
  stopProcess,
  validatePidRecord,
  type PidRecord,
  type ProcInfo,
} from './process';

const statLine = (comm: string, state: string, startTime: string): string =>
  `4242 (${comm}) ${[state, ...Array.from({ length: 18 }, (_, i) => String(i + 4)), startTime, '0', '0'].join(' ')}`;

void describe('parseProcStat', () => {
  void it('reads state and start time, even when the command name contains spaces and parentheses', () => {
    assert.deepEqual(parseProcStat(statLine('we) (ird', 'S', '987654')), { state: 'S', startTime: '987654' });
    assert.equal(parseProcStat('garbage'), undefined);
  });

  void it('parses this very process', () => {
    const stat = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    assert.ok(stat !== undefined);
    assert.match(stat.startTime, /^\d+$/);
  });
});

void describe('validatePidRecord', () => {
  const record: PidRecord = {
    name: 'kafka',
    pid: 4242,
    bootId: 'boot-a',
    startTime: '1000',
    cmdline: ['/usr/bin/java', '-cp', 'x'],
    startedAt: '2025-01-01T00:00:00.000Z',
  };
  const alive: ProcInfo = { state: 'S', startTime: '1000', cmdline: ['java', '-cp', 'x'] };

  void it('accepts the same process (same boot, start time and program)', () => {
    assert.deepEqual(validatePidRecord(record, alive, 'boot-a'), { ok: true });
  });

  void it('rejects a dead pid and a zombie', () => {
    assert.equal(validatePidRecord(record, undefined, 'boot-a').ok, false);
    assert.equal(validatePidRecord(record, { ...alive, state: 'Z' }, 'boot-a').ok, false);
  });

  void it('rejects a pid file from before a reboot', () => {
    const v = validatePidRecord(record, alive, 'boot-b');
    assert.ok(!v.ok && /reboot/.test(v.reason));
  });

  void it('rejects a reused pid (other start time) and a foreign program', () => {
    const reused = validatePidRecord(record, { ...alive, startTime: '2000' }, 'boot-a');
    assert.ok(!reused.ok && /another process/.test(reused.reason));
    const foreign = validatePidRecord(record, { ...alive, cmdline: ['/usr/sbin/sshd'] }, 'boot-a');
    assert.ok(!foreign.ok && /sshd/.test(foreign.reason));
  });

  void it('falls back to the program name when no start time is known (no /proc)', () => {
    assert.equal(
      validatePidRecord({ ...record, startTime: undefined }, { ...alive, startTime: '' }, undefined).ok,
      true,
    );
  });
});

void describe('parsePidRecord', () => {
  void it('rejects garbage and records without a valid pid', () => {
    assert.equal(parsePidRecord('12345'), undefined);
    assert.equal(parsePidRecord('{"name":"x","pid":-1}'), undefined);
    assert.equal(parsePidRecord('{"name":"x","pid":"12"}'), undefined);
  });

  void it('accepts a record and defaults cmdline', () => {
    assert.deepEqual(parsePidRecord('{"name":"x","pid":12,"startedAt":"t"}'), {
      name: 'x',
      pid: 12,
      startedAt: 't',
      cmdline: [],
    });
  });
});

void describe('startProcess / stopProcess', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stack-process-'));
  const pidsDir = path.join(dir, 'pids');
  const logFile = path.join(dir, 'logs', 'sleeper.log');
  after(async () => {
    for (const record of listProcesses(pidsDir))
      await stopProcess(record.name, { pidsDir, timeoutMs: 1_000 });
    rmSync(dir, { recursive: true, force: true });
  });

  void it('starts a detached process, records it and finds it running', async () => {
    let probes = 0;
    const started = await startProcess({
      name: 'sleeper',
      command: 'sleep',
      args: ['60'],
      logFile,
      pidsDir,
      ready: () => Promise.resolve(++probes >= 2),
      pollMs: 20,
    });
    assert.equal(started.alreadyRunning, false);
    assert.equal(probes, 2);
    const status = processStatus('sleeper', pidsDir);
    assert.ok(status.running);
    assert.equal(status.record.pid, started.pid);
    assert.deepEqual(status.record.cmdline, ['sleep', '60']);
    assert.equal(readProcInfo(started.pid)?.cmdline[0], 'sleep');
    assert.match(readFileSync(logFile, 'utf8'), /starting sleeper: sleep/);
    assert.deepEqual(
      listProcesses(pidsDir).map((r) => r.name),
      ['sleeper'],
    );
  });

  void it('only verifies readiness when already running', async () => {
    const first = processStatus('sleeper', pidsDir);
    assert.ok(first.running);
    const again = await startProcess({
      name: 'sleeper',
      command: 'false',
      pidsDir,
      ready: () => Promise.resolve(true),
    });
    assert.equal(again.alreadyRunning, true);
    assert.equal(again.pid, first.record.pid);
  });

  void it('stops it, removes the pid file, and is fine stopping again', async () => {
    const { record } = processStatus('sleeper', pidsDir) as { record: PidRecord };
    assert.equal(await stopProcess('sleeper', { pidsDir }), true);
    assert.equal(existsSync(pidFile('sleeper', pidsDir)), false);
    const info = readProcInfo(record.pid);
    assert.ok(info === undefined || info.state === 'Z' || info.startTime !== record.startTime);
    assert.equal(await stopProcess('sleeper', { pidsDir }), false);
  });

  void it('treats a pid file pointing at a foreign process as stale and removes it', () => {
    mkdirSync(pidsDir, { recursive: true });
    // Our own pid is alive, but it is not 'java' and did not start at that time.
    const stale: PidRecord = {
      name: 'ghost',
      pid: process.pid,
      startTime: '1',
      cmdline: ['java'],
      startedAt: 'x',
    };
    writeFileSync(pidFile('ghost', pidsDir), JSON.stringify(stale));
    const status = processStatus('ghost', pidsDir);
    assert.equal(status.running, false);
    assert.equal(existsSync(pidFile('ghost', pidsDir)), false);
    writeFileSync(pidFile('ghost', pidsDir), 'not json');
    assert.equal(processStatus('ghost', pidsDir).running, false);
  });

  void it('fails with the log tail when the process exits during startup', async () => {
    await assert.rejects(
      startProcess({
        name: 'crasher',
        command: 'sh',
        args: ['-c', 'echo "boom: config broken" >&2; exit 3'],
        logFile: path.join(dir, 'logs', 'crasher.log'),
        pidsDir,
        ready: () => Promise.resolve(false),
        pollMs: 20,
      }),
      (err: Error) => /exited with code 3/.test(err.message) && /boom: config broken/.test(err.message),
    );
    assert.equal(existsSync(pidFile('crasher', pidsDir)), false);
  });

  void it('stops a process that does not become ready in time', async () => {
    let pid = 0;
    await assert.rejects(
      startProcess({
        name: 'slow',
        command: 'sleep',
        args: ['60'],
        logFile: path.join(dir, 'logs', 'slow.log'),
        pidsDir,
        ready: () => {
          pid = readPidRecord('slow', pidsDir)?.pid ?? pid;
          return Promise.resolve(false);
        },
        timeoutMs: 300,
        pollMs: 20,
      }),
      /did not become ready within/,
    );
    assert.ok(pid > 0);
    const info = readProcInfo(pid);
    assert.ok(info === undefined || info.state === 'Z' || info.cmdline[0] !== 'sleep');
    assert.equal(processStatus('slow', pidsDir).running, false);
  });

  void it('reports a command that cannot be executed', async () => {
    await assert.rejects(
      startProcess({
        name: 'missing',
        command: '/nonexistent/binary',
        logFile: path.join(dir, 'logs', 'missing.log'),
        pidsDir,
        ready: () => Promise.resolve(true),
      }),
      /Cannot start missing .*ENOENT/,
    );
  });

  void it('refuses names that could escape the pid directory', () => {
    assert.throws(() => pidFile('../etc/passwd', pidsDir), /Invalid process name/);
  });
});
