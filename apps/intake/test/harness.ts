import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { intakeService, type IntakeConfig } from '@amtsbote/intake';
import {
  type AppUnderTest,
  type ServiceUnderTest,
  startService,
  findRepoRoot,
  mintToken,
  OIDC_ISSUER,
  startAppUnderTest,
} from '@amtsbote/testing';
import type { AttachmentDto } from '../src/attachments/attachments.dto';
import { DEMO_SCHEMA_ID, demoSchemaXml } from './fixtures/demo-schema';

export const DOWNLOAD_SECRET = 'test-download-secret-0123456789abcdef';

/** A path under `../shared/fixtures` beside the repository root (found by walking up to package-lock.json). */
export function sharedFixturePath(...parts: string[]): string {
  const root = findRepoRoot(__dirname);
  if (root === undefined) throw new Error('repository root not found');
  return path.join(root, '..', 'shared', 'fixtures', ...parts);
}

export function sharedFixture(...parts: string[]): string {
  return readFileSync(sharedFixturePath(...parts), 'utf8');
}

/** The intake service under test (the same shape as every app's harness), with its storage directory. */
export interface IntakeUnderTest extends AppUnderTest<IntakeConfig> {
  storageDir: string;
  /** Another intake on the same database and topics (a second replica), with `extra` settings on top. */
  replica(extra?: Record<string, string>): Promise<ServiceUnderTest<IntakeConfig>>;
}

/** intake on the real stack: its own database, topics and storage directory. */
export async function startIntake(
  label: string,
  extra: Record<string, string> = {},
): Promise<IntakeUnderTest> {
  const storageDir = mkdtempSync(path.join(tmpdir(), 'intake-test-'));
  const app = await startAppUnderTest(intakeService, {
    service: 'intake',
    label,
    env: {
      INTAKE_STORAGE_DIR: storageDir,
      INTAKE_DOWNLOAD_URL_SECRET: DOWNLOAD_SECRET,
      INTAKE_MAINTENANCE_INTERVAL_SECONDS: '0',
      ...extra,
    },
    cleanup: () => rmSync(storageDir, { recursive: true, force: true }),
  });
  const replicas: Array<ServiceUnderTest<IntakeConfig>> = [];
  const close = app.close.bind(app);
  return Object.assign(app, {
    storageDir,
    async replica(more: Record<string, string> = {}) {
      const replica = await startService(intakeService, { ...app.env, ...more });
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const r of replicas) await r.close().catch(() => undefined);
      await close();
    },
  });
}

const tokens = new Map<string, Promise<string>>();
/** A real token of a seeded dev user, cached per test process. */
export function token(user: string): Promise<string> {
  let t = tokens.get(user);
  if (!t) {
    t = mintToken(OIDC_ISSUER, user);
    tokens.set(user, t);
  }
  return t;
}

export function accountKey(user: string): string {
  return `${OIDC_ISSUER}|${user}`;
}

export interface FieldError {
  path: string;
  code: string;
  elementId?: string;
  message: { de: string; en: string };
}

/** What an error answer carries (problem+json); successful answers are typed by the caller. */
export interface ProblemBody {
  type: string;
  title: string;
  code: string;
  errors: FieldError[];
  correlationId: string;
  [extension: string]: unknown;
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T & ProblemBody;
}

/** JSON over fetch; `as` names a dev user whose token is sent. `T` is the type of a successful answer. */
export async function call<T = ProblemBody>(
  base: string,
  method: string,
  url: string,
  o: {
    as?: string;
    body?: unknown;
    headers?: Record<string, string>;
    raw?: string;
    contentType?: string;
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.as) headers.authorization = `Bearer ${await token(o.as)}`;
  let body: string | undefined;
  if (o.raw !== undefined) {
    body = o.raw;
    headers['content-type'] = o.contentType ?? 'application/xml';
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${url}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed as T & ProblemBody };
}

export const TENANT = 'hb';
export const LEIKA = '99050012104000';

/** Tenant hb, the demo schema and a Leistung using it, as hb's catalog admin sets them up. */
export async function seedCatalog(
  base: string,
  leistung: Record<string, unknown> = {},
  leika = LEIKA,
): Promise<void> {
  const tenant = await call(base, 'PUT', `/admin/tenants/${TENANT}`, {
    as: 'hb-catalog-admin',
    body: { kind: 'LAND', name: 'Freie Hansestadt Bremen', ars: '04' },
  });
  if (tenant.status !== 200) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const schema = await call(base, 'POST', '/admin/fim-schemas', {
    as: 'hb-catalog-admin',
    raw: demoSchemaXml(),
  });
  if (schema.status !== 201 && schema.status !== 200)
    throw new Error(`schema: ${schema.status} ${JSON.stringify(schema.body)}`);
  const l = await call(base, 'PUT', `/admin/tenants/${TENANT}/leistungen/${leika}`, {
    as: 'hb-catalog-admin',
    body: {
      names: { de: 'Bewohnerparkausweis beantragen', en: 'Apply for a residents’ parking permit' },
      fimSchema: { id: DEMO_SCHEMA_ID, version: '1.0.0' },
      minTrustLevel: 3,
      regions: ['04011'],
      attachments: {
        maxCount: 3,
        maxFileBytes: 64 * 1024,
        maxTotalBytes: 100 * 1024,
        mediaTypes: ['application/pdf', 'image/png'],
      },
      ...leistung,
    },
  });
  if (l.status !== 200) throw new Error(`leistung: ${l.status} ${JSON.stringify(l.body)}`);
}

/** A minimal PDF: what file-type recognises as application/pdf, padded to `size` bytes. */
export function pdfBytes(size = 2048): Buffer {
  const head = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n');
  const tail = Buffer.from('\n%%EOF\n');
  const pad = Buffer.alloc(Math.max(0, size - head.length - tail.length), 0x20);
  return Buffer.concat([head, pad, tail]);
}

/** Uploads a file as multipart/form-data. */
export async function upload(
  base: string,
  draftId: string,
  content: Buffer,
  o: { as?: string; filename?: string; type?: string; headers?: Record<string, string> } = {},
): Promise<Answer<AttachmentDto>> {
  const form = new FormData();
  form.append(
    'file',
    new Blob([content], { type: o.type ?? 'application/pdf' }),
    o.filename ?? 'nachweis.pdf',
  );
  const headers: Record<string, string> = { ...o.headers };
  if (o.as) headers.authorization = `Bearer ${await token(o.as)}`;
  const res = await fetch(`${base}/drafts/${draftId}/attachments`, { method: 'POST', headers, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: body as AttachmentDto & ProblemBody };
}
