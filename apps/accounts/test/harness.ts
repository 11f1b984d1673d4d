import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventContract, EventPayload } from '@amtsbote/contracts';
import type { CloudEvent } from '@amtsbote/messaging';
import {
  type AppUnderTest,
  mintToken,
  OIDC_ISSUER,
  publishTestEvent,
  startAppUnderTest,
} from '@amtsbote/testing';
import { SMTPServer } from 'smtp-server';
import { accountsService, type AccountsConfig } from '../src';

export const ISSUER = OIDC_ISSUER;
export const keyOf = (username: string) => `${ISSUER}|${username}`;

/** The accounts service under test (the same shape as every app's harness), with its helpers. */
export interface AccountsUnderTest extends AppUnderTest<AccountsConfig> {
  storageDir: string;
  /** A real token of a seeded dev user, cached. */
  token(username: string): Promise<string>;
  /** A JSON call as `username` (or with a raw token / none). */
  call<T = unknown>(
    as: string | { token?: string },
    method: string,
    path: string,
    o?: { body?: unknown; actFor?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  publish<C extends EventContract>(
    contract: C,
    data: EventPayload<C>,
    id?: string,
  ): Promise<CloudEvent<EventPayload<C>>>;
  count(sqlText: string, params?: unknown[]): Promise<number>;
}

/** accounts on the real stack: its own database, topics and file store. */
export async function startAccounts(
  label: string,
  extra: Record<string, string> = {},
): Promise<AccountsUnderTest> {
  const storageDir = await mkdtemp(join(tmpdir(), `accounts-${label}-`));
  const app = await startAppUnderTest(accountsService, {
    service: 'accounts',
    label,
    env: {
      ACCOUNTS_STORAGE_DIR: storageDir,
      ACCOUNTS_WORKER_INTERVAL_MS: '100',
      ACCOUNTS_FILE_URL_SECRET: 'test-secret-of-at-least-thirty-two-characters',
      ...extra,
    },
    cleanup: () => rm(storageDir, { recursive: true, force: true }),
  });
  const tokens = new Map<string, Promise<string>>();
  const token = (username: string): Promise<string> => {
    let t = tokens.get(username);
    if (!t) {
      t = mintToken(ISSUER, username);
      tokens.set(username, t);
    }
    return t;
  };
  return Object.assign(app, {
    storageDir,
    token,
    async call<T = unknown>(
      as: string | { token?: string },
      method: string,
      path: string,
      o: { body?: unknown; actFor?: string; headers?: Record<string, string> } = {},
    ): Promise<{ status: number; body: T; headers: Headers }> {
      const bearer = typeof as === 'string' ? await token(as) : as.token;
      const headers: Record<string, string> = { ...o.headers };
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      if (o.actFor) headers['x-act-for'] = o.actFor;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${app.url}${path}`, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: body as T, headers: res.headers };
    },
    publish<C extends EventContract>(contract: C, data: EventPayload<C>, id?: string) {
      const subject = (data as { submissionId?: string }).submissionId ?? randomUUID();
      // newEvent spreads its input over the generated id, so publishTestEvent without an id would send none.
      return publishTestEvent({
        topicPrefix: app.topicPrefix,
        contract,
        subject,
        data,
        id: id ?? randomUUID(),
      });
    },
    async count(sqlText: string, params: unknown[] = []): Promise<number> {
      const rows = await app.sql.query<Array<{ n: string }>>(sqlText, params);
      return Number(rows[0]?.n ?? 0);
    },
  });
}

export const sha512 = (b: Buffer | string) => createHash('sha512').update(b).digest('hex');

/** A stand-in for another service's file storage: serves registered bytes at /files/<name>. */
export class FileServer {
  private server!: Server;
  url!: string;
  readonly files = new Map<string, Buffer>();
  readonly hits = new Map<string, number>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '').replace(/^\/files\//, '').split('?')[0] ?? '');
      this.hits.set(name, (this.hits.get(name) ?? 0) + 1);
      const body = this.files.get(name);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
        .end(body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  add(name: string, body: Buffer): string {
    this.files.set(name, body);
    return `${this.url}/files/${encodeURIComponent(name)}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface SunkMail {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP sink on a free loopback port; `failNext` makes the next deliveries fail temporarily. */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  failNext = 0;
  attempts = 0;
  private server!: SMTPServer;
  port!: number;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.attempts += 1;
          if (this.failNext > 0) {
            this.failNext -= 1;
            const err = new Error('mailbox temporarily unavailable') as Error & { responseCode: number };
            err.responseCode = 451;
            callback(err);
            return;
          }
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Decodes a quoted-printable mail body enough to read it (nodemailer encodes umlauts). */
export function mailText(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/(=[0-9A-F]{2})+/g, (seq) => Buffer.from(seq.replace(/=/g, ''), 'hex').toString('utf8'));
}

export const LEIKA = '99050012104000';
export const OTHER_LEIKA = '99123456789000';

export function submitted(ownerKey: string | null, o: { leikaKey?: string; vorgangsnummer?: string } = {}) {
  const submissionId = randomUUID();
  return {
    submissionId,
    vorgangsnummer: o.vorgangsnummer ?? `HB-2026-${submissionId.slice(0, 6).toUpperCase()}`,
    tenant: 'hb',
    leikaKey: o.leikaKey ?? LEIKA,
    leistungName: 'Bewohnerparkausweis',
    ars: '040110000000',
    applicant: {
      ownerKey,
      kind: ownerKey === null ? ('anonymous' as const) : ('person' as const),
      trustLevel: 3,
    },
    submittedAt: new Date().toISOString(),
    dataSha512: sha512('form data'),
  };
}

export const authority = { destinationId: 'hb-bewohnerparken', name: 'Bürgeramt Bremen', identity: 'hb:ba' };
