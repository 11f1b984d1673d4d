import { closeSync, openSync, readSync, statSync } from 'node:fs';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type Logger = (message: string) => void;

/** Slow, rare steps (Maven download, apt-get, initdb) are announced so a long first start is not a silent hang. */
export const stderrLogger: Logger = (message) => {
  process.stderr.write(`[stack] ${message}\n`);
};

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Last `lines` lines of a text file from byte `fromOffset` on (at most the last 64 KiB); '' if unreadable. */
export function tailFile(file: string, lines = 30, fromOffset = 0): string {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    const start = Math.max(fromOffset, size - 64 * 1024, 0);
    if (size <= start) return '';
    const buf = Buffer.alloc(size - start);
    fd = openSync(file, 'r');
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function withLogTail(message: string, logFile: string | undefined, fromOffset = 0): string {
  if (logFile === undefined) return message;
  const tail = tailFile(logFile, 30, fromOffset);
  return tail === ''
    ? `${message} (log: ${logFile})`
    : `${message}\n--- last lines of ${logFile} ---\n${tail}\n---`;
}

export function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new Error(`${name} must be a port number, got '${raw}'`);
  }
  return value;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
