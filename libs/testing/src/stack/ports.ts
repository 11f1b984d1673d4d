import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseCmdline } from './process';

/** True if `host:port` can be bound right now (nothing listens on it, on any address that overlaps). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Waits (bounded) until all given ports can be bound; undefined entries are skipped. */
export async function waitPortsFree(
  ports: ReadonlyArray<number | undefined>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    if (port === undefined) continue;
    while (!(await isPortFree(port))) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return true;
}

/** Inodes of listening TCP sockets on `port`, from /proc/net/tcp{,6} text. Pure. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // cols: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const local = cols[1];
    if (local?.split(':')[1] === hexPort && cols[3] === '0A' && cols[9] !== undefined) inodes.push(cols[9]);
  }
  return inodes;
}

/** Best effort "pid 123 (java -Xmx…)" of whoever listens on `port`; undefined if unknown (no /proc, no rights). */
export function portOwner(port: number): string | undefined {
  let inodes: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      inodes = inodes.concat(listeningInodes(readFileSync(file, 'utf8'), port));
    } catch {
      // not Linux, or no IPv6
    }
  }
  if (inodes.length === 0) return undefined;
  const targets = new Set(inodes.map((i) => `socket:[${i}]`));
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (!targets.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) continue;
      } catch {
        continue;
      }
      let cmd = '';
      try {
        cmd = parseCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).join(' ');
      } catch {
        // exited meanwhile
      }
      return `pid ${pid}${cmd ? ` (${cmd.length > 100 ? `${cmd.slice(0, 100)}…` : cmd})` : ''}`;
    }
  }
  return undefined;
}

/** Throws a clear error naming the port (and, if we can tell, its owner) when `port` is taken. */
export async function assertPortFree(port: number, what: string, envVar?: string): Promise<void> {
  if (await isPortFree(port)) return;
  const owner = portOwner(port);
  throw new Error(
    `Port ${port} (${what}) on 127.0.0.1 is already in use by ${owner ?? 'another process'}, which is not ` +
      `the local stack's. Stop it${envVar ? ` or choose another port with ${envVar}` : ''}.`,
  );
}
