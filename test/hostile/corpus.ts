/**
 * The hostile-input corpus of issue 9 §4: malformed, oversized, injected and unauthorised requests against every
 * public endpoint of intake, accounts, payment and routing. Each entry is data — who calls what with which
 * headers and body, and which statuses are acceptable; hostile-input.e2e-spec.ts sends each one as its own test
 * and checks what holds for every answer (no 5xx, RFC 9457 problem+json for refusals, nothing of anna's for
 * anyone else).
 *
 * `ENDPOINTS` lists every operation of the four OpenAPI documents (the spec checks it against `/docs/openapi.json`)
 * and generates the attacks every endpoint gets: broken tokens, hostile path parameters, broken JSON bodies.
 * The hand-written entries below it target what only some endpoints have: XML uploads, file names, signed URLs,
 * payment callbacks, other citizens' and other tenants' data.
 */
import { createHmac } from 'node:crypto';
import { minimalPdf, OIDC_ISSUER } from '@amtsbote/testing';
import type { SystemService } from '../journeys/system';

/** Seeded users and Fachverfahren clients whose real tokens the fixture mints. */
export const USERS = [
  'anna',
  'ben',
  'clara',
  'dora',
  'musterbau',
  'hb-catalog-admin',
  'hb-payment-admin',
  'hb-routing-admin',
  'nw-catalog-admin',
  'nw-routing-admin',
  'operator',
] as const;
export const CLIENTS = ['fv-bremen-parken', 'fv-other', 'fv-no-scope'] as const;
/** Tokens that must never authenticate anyone (see the fixture for how each is made). */
export const BROKEN_TOKENS = [
  'expired',
  'forged',
  'tampered',
  'garbled',
  'alg-none',
  'other-issuer',
  'issued-in-future',
  'valid-for-decades',
] as const;

export type Caller = (typeof USERS)[number] | (typeof CLIENTS)[number] | (typeof BROKEN_TOKENS)[number];

/** Callers who may legitimately see anna's data (her own, her tenant's admins, her Fachverfahren). */
export const MAY_SEE_ANNA: readonly Caller[] = [
  'anna',
  'hb-catalog-admin',
  'hb-payment-admin',
  'hb-routing-admin',
  'fv-bremen-parken',
];

/** What the spec's fixture provides: ids by name (for `{name}` in paths) and what needs secrets. */
export interface HostileFixture {
  ids: Record<IdName, string>;
  /** Signed download URLs (path and query) as the owning service makes them. */
  signedPath(service: 'intake' | 'accounts' | 'routing', fileId: string, expiresAt?: Date): string;
  /** The destination's HMAC secret (routing signs its pushes with it). */
  destinationSecret: string;
}

export type IdName =
  | 'tenant'
  | 'leikaKey'
  | 'schemaId'
  | 'version'
  | 'submissionId'
  | 'vorgangsnummer'
  | 'draftId'
  | 'attachmentId'
  | 'uploadDraftId'
  | 'transactionId'
  | 'notifyToken'
  | 'messageId'
  | 'bescheidFileId'
  | 'replyUploadId'
  | 'routingMessageId'
  | 'destinationId'
  | 'routeId'
  | 'feeId'
  | 'environment'
  | 'unknownId';

type Dyn<T> = T | ((f: HostileFixture) => T);

export interface HostileAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON. */
  json: unknown;
}

export interface CorpusEntry {
  /** Unique; the test's name. */
  name: string;
  service: SystemService;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query; `{name}` is replaced by the fixture's id of that name. */
  path: Dyn<string>;
  /** Whose bearer token is sent; none when absent. */
  as?: Caller;
  headers?: Dyn<Record<string, string>>;
  /** A JSON body (serialised as is when a string). */
  json?: Dyn<string | number | boolean | object | null>;
  /** A raw body with its content type in `headers`. */
  body?: Dyn<string | Buffer | FormData>;
  /** Acceptable statuses: never a 5xx. */
  expect: number[];
  /** The problem's `code` when refused. */
  code?: string;
  /** JSON Pointers the problem's `errors[]` must name. */
  errorPaths?: string[];
  /** The caller may see anna's data here although not in MAY_SEE_ANNA (e.g. a valid signed URL). */
  seesAnna?: boolean;
  /** Further assertions on the answer. */
  check?: (answer: HostileAnswer, f: HostileFixture) => void;
}

// ---- helpers ------------------------------------------------------------------------------------------------

const enc = encodeURIComponent;
/**
 * A form value the corpus sends with characters PostgreSQL cannot store; the spec asserts it never shows up
 * in any service's log (issue 17: the database's error context quoted it).
 */
export const LOGGED_NEVER = 'Geheimwert-Schmidt-7f3a';
const SQLI = "' OR '1'='1' --";
const TRAVERSAL = '../../../../etc/passwd';
const NOSQL = '{"$ne":null}';

function assertThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

function jsonOf<T>(a: HostileAnswer): T {
  assertThat(a.json !== undefined, `expected a JSON body, got: ${a.text.slice(0, 200)}`);
  return a.json as T;
}

/** The answer is an empty JSON list (or a page with no items). */
function emptyList(a: HostileAnswer): void {
  const body = jsonOf<unknown[] | { items: unknown[] }>(a);
  const items = Array.isArray(body) ? body : body.items;
  assertThat(Array.isArray(items) && items.length === 0, `expected nothing, got ${a.text.slice(0, 300)}`);
}

/**
 * A stored file name carries no path, no control, bidi-control or other invisible character (zero-width
 * space, byte order mark, line and paragraph separators), and is not a dot name.
 */
function safeFilename(name: unknown): void {
  assertThat(typeof name === 'string' && name.length > 0, `file name missing: ${String(name)}`);
  const s = name as string;
  assertThat(
    !/[/\\\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?![\u200c\u200d])\p{Cf}/u.test(s),
    `unsafe file name stored: ${JSON.stringify(s)}`,
  );
  assertThat(s !== '.' && s !== '..', `dot file name stored: ${JSON.stringify(s)}`);
  assertThat([...s].length <= 255, `file name longer than 255 characters stored (${[...s].length})`);
}

/** A multipart/form-data body written byte by byte, so file names reach the server unescaped. */
export function rawMultipart(
  parts: Array<{ name: string; filename?: string; type?: string; content: Buffer | string }>,
  o: { boundary?: string; truncate?: boolean } = {},
): { body: Buffer; headers: Record<string, string> } {
  const boundary = o.boundary ?? 'hostile-boundary-7d3f';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'), Buffer.from(p.content), Buffer.from('\r\n'));
  }
  if (!o.truncate) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: o.truncate ? Buffer.concat(chunks).subarray(0, -40) : Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

const PDF = minimalPdf('hostile test file');

function pdfUpload(filename: string): { body: Buffer; headers: Record<string, string> } {
  return rawMultipart([{ name: 'file', filename, type: 'application/pdf', content: PDF }]);
}

function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function invalidUtf8Json(): Buffer {
  return Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]);
}

// ---- every endpoint -----------------------------------------------------------------------------------------

export interface Endpoint {
  service: SystemService;
  method: CorpusEntry['method'];
  /** OpenAPI path template; `{param}` is filled from `ids` below, else from the fixture id of that name. */
  path: string;
  /** `token`: a bearer token is required; `optional`: anonymous callers are possible; `public`: no token. */
  access: 'token' | 'optional' | 'public';
  /** A caller that is authenticated and authorised, for the input attacks. */
  caller?: Caller;
  body?: 'json' | 'xml' | 'multipart' | 'raw';
  /** Fixture id names for path parameters named differently. */
  ids?: Record<string, IdName>;
}

const OPERATOR = { access: 'token', caller: 'operator' } as const;
const CATALOG = { access: 'token', caller: 'hb-catalog-admin' } as const;
const PAY_ADMIN = { access: 'token', caller: 'hb-payment-admin' } as const;
const ROUTING = { access: 'token', caller: 'hb-routing-admin' } as const;
const FV = { access: 'token', caller: 'fv-bremen-parken', ids: { id: 'routingMessageId' } } as const;
const ANNA = { access: 'token', caller: 'anna' } as const;
const ANNA_OPTIONAL = { access: 'optional', caller: 'anna' } as const;
const ECHO = { ids: { echoId: 'unknownId' } } as const;
/** No code list is stored in the hostile run: every list version is unknown (and none can be deleted). */
const CODE_LIST = { ids: { canonicalVersionUri: 'unknownId' } } as const;

export const ENDPOINTS: Endpoint[] = [
  // intake
  { service: 'intake', method: 'POST', path: '/diagnostics/echo', ...OPERATOR, body: 'json' },
  { service: 'intake', method: 'GET', path: '/diagnostics/echo/{echoId}', ...OPERATOR, ...ECHO },
  { service: 'intake', method: 'GET', path: '/admin/tenants/{tenant}/audit-log', ...CATALOG },
  { service: 'intake', method: 'PUT', path: '/admin/tenants/{tenant}', ...CATALOG, body: 'json' },
  { service: 'intake', method: 'GET', path: '/admin/tenants/{tenant}', ...CATALOG },
  { service: 'intake', method: 'POST', path: '/admin/fim-schemas', ...CATALOG, body: 'xml' },
  { service: 'intake', method: 'GET', path: '/admin/fim-schemas', ...CATALOG },
  { service: 'intake', method: 'GET', path: '/admin/fim-schemas/{schemaId}/{version}', ...CATALOG },
  { service: 'intake', method: 'GET', path: '/admin/fim-schemas/{schemaId}/{version}/xdf', ...CATALOG },
  { service: 'intake', method: 'POST', path: '/admin/code-lists', ...CATALOG, body: 'xml' },
  { service: 'intake', method: 'GET', path: '/admin/code-lists', ...CATALOG },
  {
    service: 'intake',
    method: 'GET',
    path: '/admin/code-lists/{canonicalVersionUri}',
    ...CATALOG,
    ...CODE_LIST,
  },
  {
    service: 'intake',
    method: 'GET',
    path: '/admin/code-lists/{canonicalVersionUri}/genericode',
    ...CATALOG,
    ...CODE_LIST,
  },
  {
    service: 'intake',
    method: 'DELETE',
    path: '/admin/code-lists/{canonicalVersionUri}',
    ...CATALOG,
    ...CODE_LIST,
  },
  {
    service: 'intake',
    method: 'PUT',
    path: '/admin/tenants/{tenant}/leistungen/{leikaKey}',
    ...CATALOG,
    body: 'json',
  },
  { service: 'intake', method: 'GET', path: '/admin/tenants/{tenant}/leistungen/{leikaKey}', ...CATALOG },
  { service: 'intake', method: 'GET', path: '/admin/tenants/{tenant}/leistungen', ...CATALOG },
  { service: 'intake', method: 'GET', path: '/tenants/{tenant}/leistungen', access: 'public' },
  {
    service: 'intake',
    method: 'GET',
    path: '/tenants/{tenant}/leistungen/{leikaKey}/form',
    access: 'public',
  },
  { service: 'intake', method: 'POST', path: '/drafts', ...ANNA_OPTIONAL, body: 'json' },
  { service: 'intake', method: 'GET', path: '/drafts', ...ANNA },
  { service: 'intake', method: 'GET', path: '/drafts/{draftId}', ...ANNA_OPTIONAL },
  { service: 'intake', method: 'PUT', path: '/drafts/{draftId}', ...ANNA_OPTIONAL, body: 'json' },
  { service: 'intake', method: 'DELETE', path: '/drafts/{draftId}', ...ANNA_OPTIONAL },
  {
    service: 'intake',
    method: 'POST',
    path: '/drafts/{draftId}/attachments',
    ...ANNA_OPTIONAL,
    body: 'multipart',
  },
  {
    service: 'intake',
    method: 'GET',
    path: '/drafts/{draftId}/attachments/{attachmentId}',
    ...ANNA_OPTIONAL,
  },
  {
    service: 'intake',
    method: 'DELETE',
    path: '/drafts/{draftId}/attachments/{attachmentId}',
    ...ANNA_OPTIONAL,
  },
  {
    service: 'intake',
    method: 'GET',
    path: '/drafts/{draftId}/attachments/{attachmentId}/content',
    ...ANNA_OPTIONAL,
  },
  {
    service: 'intake',
    method: 'GET',
    path: '/files/{fileId}',
    access: 'public',
    ids: { fileId: 'attachmentId' },
  },
  { service: 'intake', method: 'POST', path: '/submissions', ...ANNA_OPTIONAL, body: 'json' },
  { service: 'intake', method: 'GET', path: '/submissions', ...ANNA },
  { service: 'intake', method: 'GET', path: '/submissions/{submissionId}', ...ANNA_OPTIONAL },
  { service: 'intake', method: 'GET', path: '/submissions/{submissionId}/status', ...ANNA_OPTIONAL },
  // accounts
  { service: 'accounts', method: 'POST', path: '/diagnostics/echo', ...OPERATOR, body: 'json' },
  { service: 'accounts', method: 'GET', path: '/diagnostics/echo/{echoId}', ...OPERATOR, ...ECHO },
  { service: 'accounts', method: 'GET', path: '/me', ...ANNA },
  { service: 'accounts', method: 'PATCH', path: '/me', ...ANNA, body: 'json' },
  // Only ever with tokens that must fail: a valid one would erase the account.
  { service: 'accounts', method: 'DELETE', path: '/me', access: 'token' },
  { service: 'accounts', method: 'POST', path: '/email-confirmations', access: 'public', body: 'json' },
  { service: 'accounts', method: 'GET', path: '/email-confirmations', access: 'public' },
  {
    service: 'accounts',
    method: 'POST',
    path: '/mandates',
    access: 'token',
    caller: 'musterbau',
    body: 'json',
  },
  { service: 'accounts', method: 'GET', path: '/mandates', access: 'token', caller: 'musterbau' },
  {
    service: 'accounts',
    method: 'GET',
    path: '/mandates/{mandateId}',
    access: 'token',
    caller: 'musterbau',
    ids: { mandateId: 'unknownId' },
  },
  {
    service: 'accounts',
    method: 'POST',
    path: '/mandates/{mandateId}/revoke',
    access: 'token',
    caller: 'musterbau',
    ids: { mandateId: 'unknownId' },
  },
  { service: 'accounts', method: 'GET', path: '/me/representations', ...ANNA },
  { service: 'accounts', method: 'GET', path: '/me/activity', ...ANNA },
  { service: 'accounts', method: 'GET', path: '/postkorb/messages', ...ANNA },
  { service: 'accounts', method: 'GET', path: '/postkorb/messages/unread-count', ...ANNA },
  { service: 'accounts', method: 'GET', path: '/postkorb/messages/{messageId}', ...ANNA },
  { service: 'accounts', method: 'DELETE', path: '/postkorb/messages/{messageId}', ...ANNA },
  { service: 'accounts', method: 'POST', path: '/postkorb/messages/{messageId}/unread', ...ANNA },
  {
    service: 'accounts',
    method: 'GET',
    path: '/postkorb/messages/{messageId}/attachments/{attachmentId}',
    ...ANNA,
    ids: { attachmentId: 'bescheidFileId' },
  },
  {
    service: 'accounts',
    method: 'POST',
    path: '/postkorb/messages/{messageId}/replies',
    ...ANNA,
    body: 'json',
  },
  { service: 'accounts', method: 'POST', path: '/postkorb/uploads', ...ANNA, body: 'raw' },
  { service: 'accounts', method: 'GET', path: '/postkorb/submissions', ...ANNA },
  { service: 'accounts', method: 'GET', path: '/postkorb/submissions/{submissionId}/timeline', ...ANNA },
  {
    service: 'accounts',
    method: 'GET',
    path: '/files/{fileId}',
    access: 'public',
    ids: { fileId: 'replyUploadId' },
  },
  // payment
  { service: 'payment', method: 'POST', path: '/diagnostics/echo', ...OPERATOR, body: 'json' },
  { service: 'payment', method: 'GET', path: '/diagnostics/echo/{echoId}', ...OPERATOR, ...ECHO },
  { service: 'payment', method: 'GET', path: '/admin/tenants/{tenant}/audit-log', ...PAY_ADMIN },
  { service: 'payment', method: 'GET', path: '/admin/tenants/{tenant}/fees', ...PAY_ADMIN },
  { service: 'payment', method: 'POST', path: '/admin/tenants/{tenant}/fees', ...PAY_ADMIN, body: 'json' },
  { service: 'payment', method: 'GET', path: '/admin/tenants/{tenant}/fees/lookup', ...PAY_ADMIN },
  { service: 'payment', method: 'GET', path: '/admin/tenants/{tenant}/fees/{feeId}', ...PAY_ADMIN },
  {
    service: 'payment',
    method: 'PUT',
    path: '/admin/tenants/{tenant}/fees/{feeId}',
    ...PAY_ADMIN,
    body: 'json',
  },
  {
    service: 'payment',
    method: 'DELETE',
    path: '/admin/tenants/{tenant}/fees/{feeId}',
    access: 'token',
    // A valid payment-admin token would delete the fee; the generated attacks only use broken tokens here.
  },
  { service: 'payment', method: 'GET', path: '/admin/tenants/{tenant}/providers', ...PAY_ADMIN },
  {
    service: 'payment',
    method: 'GET',
    path: '/admin/tenants/{tenant}/providers/{environment}',
    ...PAY_ADMIN,
  },
  {
    service: 'payment',
    method: 'PUT',
    path: '/admin/tenants/{tenant}/providers/{environment}',
    ...PAY_ADMIN,
    body: 'json',
  },
  {
    service: 'payment',
    method: 'DELETE',
    path: '/admin/tenants/{tenant}/providers/{environment}',
    ...PAY_ADMIN,
  },
  { service: 'payment', method: 'GET', path: '/submissions/{submissionId}/payment', ...ANNA },
  { service: 'payment', method: 'POST', path: '/submissions/{submissionId}/payment', ...ANNA, body: 'json' },
  { service: 'payment', method: 'GET', path: '/payments/{transactionId}/return', access: 'public' },
  { service: 'payment', method: 'POST', path: '/payments/{transactionId}/notifications', access: 'public' },
  // routing
  { service: 'routing', method: 'POST', path: '/diagnostics/echo', ...OPERATOR, body: 'json' },
  { service: 'routing', method: 'GET', path: '/diagnostics/echo/{echoId}', ...OPERATOR, ...ECHO },
  { service: 'routing', method: 'GET', path: '/audit-log', ...ROUTING },
  { service: 'routing', method: 'POST', path: '/destinations', ...ROUTING, body: 'json' },
  { service: 'routing', method: 'GET', path: '/destinations', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/destinations/{id}', ...ROUTING, ids: { id: 'destinationId' } },
  {
    service: 'routing',
    method: 'PATCH',
    path: '/destinations/{id}',
    ...ROUTING,
    body: 'json',
    ids: { id: 'destinationId' },
  },
  {
    service: 'routing',
    method: 'POST',
    path: '/destinations/{id}/secret',
    access: 'token',
    // A valid routing-admin token would rotate the secret the Fachverfahren simulator shares.
    ids: { id: 'destinationId' },
  },
  { service: 'routing', method: 'GET', path: '/routes', ...ROUTING },
  { service: 'routing', method: 'POST', path: '/routes', ...ROUTING, body: 'json' },
  { service: 'routing', method: 'DELETE', path: '/routes/{id}', ...ROUTING, ids: { id: 'routeId' } },
  { service: 'routing', method: 'POST', path: '/routes/import', ...ROUTING, body: 'json' },
  { service: 'routing', method: 'GET', path: '/routes/export', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/routes/resolve', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/routes/settings', ...ROUTING },
  { service: 'routing', method: 'PUT', path: '/routes/settings', ...ROUTING, body: 'json' },
  { service: 'routing', method: 'GET', path: '/fim-schemas', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/fim-schemas/{schemaId}/{version}/xsd', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/code-lists', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/messages', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/messages/{id}', ...ROUTING, ids: { id: 'routingMessageId' } },
  { service: 'routing', method: 'GET', path: '/files/{id}', access: 'public', ids: { id: 'unknownId' } },
  { service: 'routing', method: 'GET', path: '/fachverfahren/messages', ...FV },
  { service: 'routing', method: 'GET', path: '/fachverfahren/messages/{id}', ...FV },
  { service: 'routing', method: 'GET', path: '/fachverfahren/messages/{id}/payload', ...FV },
  { service: 'routing', method: 'GET', path: '/fachverfahren/messages/{id}/metadata', ...FV },
  {
    service: 'routing',
    method: 'GET',
    path: '/fachverfahren/messages/{id}/attachments/{attachmentId}',
    ...FV,
    ids: { id: 'routingMessageId', attachmentId: 'unknownId' },
  },
  { service: 'routing', method: 'POST', path: '/fachverfahren/messages/{id}/accept', ...FV },
  { service: 'routing', method: 'POST', path: '/fachverfahren/messages/{id}/reject', ...FV, body: 'json' },
  { service: 'routing', method: 'POST', path: '/fachverfahren/messages/{id}/receipt', ...FV },
  { service: 'routing', method: 'POST', path: '/fachverfahren/messages/{id}/status', ...FV, body: 'json' },
  { service: 'routing', method: 'POST', path: '/fachverfahren/messages/{id}/replies', ...FV, body: 'json' },
  { service: 'routing', method: 'GET', path: '/dead-letters', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/dead-letters/{id}', ...ROUTING, ids: { id: 'unknownId' } },
  {
    service: 'routing',
    method: 'POST',
    path: '/dead-letters/{id}/redeliver',
    ...ROUTING,
    ids: { id: 'unknownId' },
  },
  {
    service: 'routing',
    method: 'POST',
    path: '/dead-letters/{id}/abandon',
    ...ROUTING,
    ids: { id: 'unknownId' },
  },
  { service: 'routing', method: 'POST', path: '/destinations/{destinationId}/redeliver', ...ROUTING },
  { service: 'routing', method: 'GET', path: '/unroutable', ...ROUTING },
];

function fillPath(e: Endpoint, override?: { param: string; value: string }): Dyn<string> {
  return (f) =>
    e.path.replace(/\{(\w+)\}/g, (_, param: string) => {
      if (override?.param === param) return override.value;
      const name = (e.ids?.[param] ?? param) as IdName;
      const value = f.ids[name];
      if (value === undefined) throw new Error(`the fixture has no id "${name}" for ${e.path}`);
      return enc(value);
    });
}

/** Every endpoint that needs a token refuses tokens that must not authenticate anyone. */
function tokenAttacks(e: Endpoint): CorpusEntry[] {
  if (e.access === 'public') return [];
  const callers: Array<Caller | undefined> = [
    ...(e.access === 'token' ? [undefined] : []),
    'expired',
    'forged',
    'tampered',
  ];
  return callers.map((as) => ({
    name: `${e.method} ${e.path}: ${as === undefined ? 'no token' : `${as} token`}`,
    service: e.service,
    method: e.method,
    path: fillPath(e),
    as,
    expect: [401],
  }));
}

/** Fixture ids that are UUIDs: a malformed one names no resource, so it is a 404 like an unknown one. */
const UUID_IDS: ReadonlySet<IdName> = new Set<IdName>([
  'submissionId',
  'draftId',
  'attachmentId',
  'uploadDraftId',
  'transactionId',
  'messageId',
  'bescheidFileId',
  'replyUploadId',
  'routingMessageId',
  'routeId',
  'feeId',
  'unknownId',
]);

/** Path parameters carrying injection strings are refused (404 for resource ids, else 400, or 403 for another tenant). */
function pathAttacks(e: Endpoint): CorpusEntry[] {
  if (!e.caller) return [];
  const params = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return params.flatMap((param) => {
    const resourceId = UUID_IDS.has((e.ids?.[param] ?? param) as IdName);
    return (
      [
        ['SQL injection', SQLI],
        ['path traversal', TRAVERSAL],
        ['NoSQL operator', NOSQL],
      ] as const
    ).map(([what, value]): CorpusEntry => ({
      name: `${e.method} ${e.path}: ${what} in {${param}}`,
      service: e.service,
      method: e.method,
      path: fillPath(e, { param, value: enc(value) }),
      as: e.caller,
      ...(resourceId ? { expect: [404], code: 'not-found' } : { expect: [400, 403, 404] }),
    }));
  });
}

/** JSON bodies that no endpoint may take: too deep, not UTF-8, not JSON, polluted, of the wrong type. */
function bodyAttacks(e: Endpoint): CorpusEntry[] {
  if (e.body !== 'json' || !e.caller) return [];
  const base = { service: e.service, method: e.method, path: fillPath(e), as: e.caller };
  const json = { 'content-type': 'application/json' };
  return [
    {
      ...base,
      name: `${e.method} ${e.path}: JSON nested 10000 levels deep`,
      headers: json,
      body: nested(10_000),
      expect: [400],
      code: 'json-too-deep',
    },
    {
      ...base,
      name: `${e.method} ${e.path}: invalid UTF-8 bytes`,
      headers: json,
      body: invalidUtf8Json(),
      expect: [400],
      code: 'invalid-utf8',
    },
    {
      ...base,
      name: `${e.method} ${e.path}: truncated JSON`,
      headers: json,
      body: '{"a": [1, 2',
      expect: [400],
    },
    {
      ...base,
      name: `${e.method} ${e.path}: prototype pollution`,
      headers: json,
      body: '{"__proto__":{"roles":["operator"]},"constructor":{"prototype":{"isAdmin":true}}}',
      expect: [400],
    },
    {
      ...base,
      name: `${e.method} ${e.path}: NUL character in a string`,
      headers: json,
      body: `{"x":"${LOGGED_NEVER}\\u0000"}`,
      expect: [400],
      code: 'invalid-characters',
      errorPaths: ['/x'],
    },
    {
      ...base,
      name: `${e.method} ${e.path}: lone surrogate in a key`,
      headers: json,
      body: '{"x\\ud800":1}',
      expect: [400],
      code: 'invalid-characters',
      errorPaths: ['/x\ufffd'],
    },
    {
      ...base,
      name: `${e.method} ${e.path}: a JSON string instead of an object`,
      json: `"${SQLI}"`,
      expect: [400, 422],
    },
    {
      ...base,
      name: `${e.method} ${e.path}: text/plain instead of JSON`,
      headers: { 'content-type': 'text/plain' },
      body: 'tenant=hb&roles=operator',
      expect: [400, 415],
    },
  ];
}

// ---- what only some endpoints have --------------------------------------------------------------------------

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:stammdatenschema><xdf:identifikation><xdf:id>S99999001</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
  <xdf:name>&lol9;</xdf:name></xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;

const QUADRATIC_BLOWUP = `<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "${'a'.repeat(50_000)}">]><q>${'&a;'.repeat(20_000)}</q>`;

const XXE_FILE = `<?xml version="1.0"?>
<!DOCTYPE xdf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:stammdatenschema><xdf:identifikation><xdf:id>S99999002</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
  <xdf:name>&xxe;</xdf:name></xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;

const XXE_PARAMETER = `<?xml version="1.0"?>
<!DOCTYPE xdf [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"/>`;

const EXTERNAL_DTD = `<?xml version="1.0"?>
<!DOCTYPE xdf SYSTEM "file:///etc/passwd">
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"/>`;

/** The file /etc/passwd never shows up in an answer. */
function noPasswd(a: HostileAnswer): void {
  assertThat(!/root:.*:0:0:/.test(a.text), 'the answer contains /etc/passwd');
}

/** The parser's errors are named, each told in German and in English (not the English text twice). */
function parserErrorsInBothLanguages(a: HostileAnswer): void {
  const errors = jsonOf<{ errors?: Array<{ code: string; message: { de: string; en: string } }> }>(a).errors;
  assertThat(Array.isArray(errors) && errors.length > 0, `no parser errors: ${a.text.slice(0, 300)}`);
  for (const e of errors ?? []) {
    assertThat(e.message.de !== e.message.en, `${e.code}: the German message is the English one`);
  }
}

const xml = { 'content-type': 'application/xml' };

/** The admin's XML uploads: the same hostile documents go to each, refused by the same secure parser. */
const XML_UPLOADS = [
  { path: '/admin/fim-schemas', label: 'FIM schema', invalid: 'fim-schema-invalid' },
  { path: '/admin/code-lists', label: 'code list', invalid: 'code-list-invalid' },
] as const;

function xmlUploadEntries(target: (typeof XML_UPLOADS)[number]): CorpusEntry[] {
  const upload = {
    service: 'intake',
    method: 'POST',
    path: target.path,
    as: 'hb-catalog-admin',
    headers: xml,
  } as const;
  const refused = { expect: [422], code: target.invalid, check: parserErrorsInBothLanguages };
  const refusedNoPasswd = {
    ...refused,
    check: (a: HostileAnswer) => {
      noPasswd(a);
      parserErrorsInBothLanguages(a);
    },
  };
  const name = (what: string) => `${target.label}: ${what}`;
  return [
    { ...upload, ...refused, name: name('billion laughs'), body: BILLION_LAUGHS },
    { ...upload, ...refused, name: name('quadratic blowup'), body: QUADRATIC_BLOWUP },
    { ...upload, ...refusedNoPasswd, name: name('external entity file:///etc/passwd'), body: XXE_FILE },
    { ...upload, ...refused, name: name('external parameter entity over HTTP'), body: XXE_PARAMETER },
    { ...upload, ...refusedNoPasswd, name: name('external DTD'), body: EXTERNAL_DTD },
    {
      ...upload,
      ...refused,
      name: name('100000 nested elements'),
      body: `<a>${'<b>'.repeat(100_000)}${'</b>'.repeat(100_000)}</a>`,
    },
    {
      ...upload,
      name: name('invalid UTF-8 bytes'),
      body: Buffer.concat([
        Buffer.from('<?xml version="1.0"?><a>'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('</a>'),
      ]),
      expect: [400],
      code: 'invalid-utf8',
    },
    { ...upload, ...refused, name: name('not XML'), body: 'SELECT * FROM intake.fim_schemas;' },
    { ...upload, name: name('empty body'), body: '', expect: [400, 415] },
    {
      ...upload,
      name: name('17 MiB of XML (over the 16 MiB limit)'),
      body: () => `<a>${'x'.repeat(17 * 1024 * 1024)}</a>`,
      expect: [413],
    },
    {
      ...upload,
      name: name('JSON instead of XML'),
      headers: undefined,
      json: { xml: '<a/>' },
      expect: [415],
    },
    { ...upload, name: name('uploaded by a citizen'), as: 'anna', body: XXE_FILE, expect: [403] },
    { ...upload, name: name('uploaded by an operator'), as: 'operator', body: XXE_FILE, expect: [403] },
  ];
}

function fimSchemaEntries(): CorpusEntry[] {
  const upload = {
    service: 'intake',
    method: 'POST',
    as: 'hb-catalog-admin',
    headers: xml,
    body: BILLION_LAUGHS,
  } as const;
  const refused = { expect: [400], errorPaths: ['/allowUnknownCodeLists'] };
  return [
    ...XML_UPLOADS.flatMap(xmlUploadEntries),
    {
      ...upload,
      ...refused,
      name: 'FIM schema: allowUnknownCodeLists with an injection string',
      path: `/admin/fim-schemas?allowUnknownCodeLists=${enc(SQLI)}`,
    },
    {
      ...upload,
      ...refused,
      name: 'FIM schema: allowUnknownCodeLists neither true nor false',
      path: '/admin/fim-schemas?allowUnknownCodeLists=maybe',
    },
    {
      ...upload,
      ...refused,
      name: 'FIM schema: codeListVersions neither exact nor newest',
      path: '/admin/fim-schemas?codeListVersions=any',
      errorPaths: ['/codeListVersions'],
    },
  ];
}

function attachmentEntries(): CorpusEntry[] {
  const upload = {
    service: 'intake',
    method: 'POST',
    path: '/drafts/{uploadDraftId}/attachments',
    as: 'anna',
  } as const;
  const storedSafely = (a: HostileAnswer) => safeFilename(jsonOf<{ filename: unknown }>(a).filename);
  const names: Array<[string, string]> = [
    ['relative path traversal', '../../etc/passwd'],
    ['Windows path traversal', '..\\..\\Windows\\win.ini'],
    ['absolute path', '/etc/passwd'],
    ['NUL byte', 'bescheinigung.pdf\u0000.exe'],
    ['only dots', '..'],
    ['empty name', ''],
    ['control characters', 'a\u0007b\u001bc.pdf'],
    ['1000 characters', `${'x'.repeat(1000)}.pdf`],
    ['percent-encoded traversal', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['right-to-left override', 'rechnung\u202Efdp.exe'],
    ['zero-width space', 'rech\u200Bnung.pdf'],
    ['byte order mark', '\uFEFFrechnung.pdf'],
    ['line and paragraph separators', 're\u2028ch\u2029nung.pdf'],
    ['word joiner and soft hyphen', 'rech\u2060nu\u00ADng.pdf'],
  ];
  return [
    ...names.map(([what, filename]): CorpusEntry => ({
      ...upload,
      name: `attachment upload: file name with ${what}`,
      ...pdfUpload(filename),
      expect: [201],
      check: storedSafely,
    })),
    {
      ...upload,
      name: 'attachment upload: multipart without boundary',
      headers: { 'content-type': 'multipart/form-data' },
      body: '--x\r\n\r\n',
      expect: [400],
    },
    {
      ...upload,
      name: 'attachment upload: multipart cut off before the closing boundary',
      ...rawMultipart([{ name: 'file', filename: 'a.pdf', type: 'application/pdf', content: PDF }], {
        truncate: true,
      }),
      expect: [400],
      code: 'multipart-malformed',
    },
    {
      ...upload,
      name: 'attachment upload: no file part',
      ...rawMultipart([{ name: 'comment', content: SQLI }]),
      expect: [400],
      errorPaths: ['/file'],
    },
    {
      ...upload,
      name: 'attachment upload: two files in one request',
      ...rawMultipart([
        { name: 'file', filename: 'a.pdf', type: 'application/pdf', content: PDF },
        { name: 'file', filename: 'b.pdf', type: 'application/pdf', content: PDF },
      ]),
      expect: [201, 400, 413],
    },
    {
      ...upload,
      name: 'attachment upload: empty file',
      ...rawMultipart([{ name: 'file', filename: 'leer.pdf', type: 'application/pdf', content: '' }]),
      expect: [422],
      errorPaths: ['/file'],
    },
    {
      ...upload,
      name: 'attachment upload: Windows executable named .pdf',
      ...rawMultipart([
        {
          name: 'file',
          filename: 'bescheinigung.pdf',
          type: 'application/pdf',
          content: Buffer.concat([Buffer.from('MZ\u0090\u0000'), Buffer.alloc(512, 0)]),
        },
      ]),
      expect: [415],
      code: 'attachment-media-type',
    },
    {
      ...upload,
      name: 'attachment upload: 6 MiB file (over the 5 MiB limit)',
      headers: rawMultipart([]).headers,
      body: () =>
        rawMultipart([
          {
            name: 'file',
            filename: 'gross.pdf',
            type: 'application/pdf',
            content: Buffer.concat([PDF, Buffer.alloc(6 * 1024 * 1024, 0x20)]),
          },
        ]).body,
      expect: [413],
    },
    { ...upload, name: 'attachment upload: JSON instead of multipart', json: { file: 'x' }, expect: [415] },
  ];
}

function accountsUploadEntries(): CorpusEntry[] {
  const upload = {
    service: 'accounts',
    method: 'POST',
    as: 'anna',
    headers: { 'content-type': 'application/pdf' },
  } as const;
  const storedSafely = (a: HostileAnswer) => safeFilename(jsonOf<{ filename: unknown }>(a).filename);
  return [
    ...(
      [
        ['path traversal', '../../etc/passwd'],
        ['only dots', '..'],
        ['CR LF', 'a\r\nContent-Type: text/html.pdf'],
        ['backslashes', '..\\..\\boot.ini'],
        ['right-to-left override', 'antwort\u202Efdp.exe'],
        ['C1 control characters', 'antwort\u0085\u009b.pdf'],
        ['zero-width space', 'ant\u200Bwort.pdf'],
        ['byte order mark and separators', '\uFEFFant\u2028wort\u2029.pdf'],
      ] as const
    ).map(([what, filename]): CorpusEntry => ({
      ...upload,
      name: `Postkorb upload: file name with ${what}`,
      path: `/postkorb/uploads?filename=${enc(filename)}`,
      body: PDF,
      expect: [201],
      check: storedSafely,
    })),
    {
      ...upload,
      // A NUL cannot be stored: refused at the edge like in any other parameter.
      name: 'Postkorb upload: file name with NUL byte',
      path: `/postkorb/uploads?filename=${enc('antwort.pdf\u0000.exe')}`,
      body: PDF,
      expect: [400],
      code: 'invalid-characters',
      errorPaths: ['/filename'],
    },
    {
      ...upload,
      name: 'Postkorb upload: 256-character file name',
      path: `/postkorb/uploads?filename=${'x'.repeat(256)}`,
      body: PDF,
      expect: [400],
      errorPaths: ['/filename'],
    },
    {
      ...upload,
      name: 'Postkorb upload: no file name',
      path: '/postkorb/uploads',
      body: PDF,
      expect: [400],
      errorPaths: ['/filename'],
    },
    {
      ...upload,
      name: 'Postkorb upload: file name given twice',
      path: '/postkorb/uploads?filename=a.pdf&filename=..%2F..%2Fetc%2Fpasswd',
      body: PDF,
      expect: [201, 400],
      check: (a) => {
        if (a.status === 201) safeFilename(jsonOf<{ filename: unknown }>(a).filename);
      },
    },
    {
      ...upload,
      name: 'Postkorb upload: shell script',
      path: '/postkorb/uploads?filename=run.sh',
      headers: { 'content-type': 'application/x-sh' },
      body: '#!/bin/sh\nrm -rf /\n',
      expect: [415],
    },
    {
      ...upload,
      name: 'Postkorb upload: Windows executable declared as PDF',
      path: '/postkorb/uploads?filename=antwort.pdf',
      body: Buffer.concat([Buffer.from('MZ\u0090\u0000'), Buffer.alloc(8_000, 0)]),
      expect: [415],
      code: 'unsupported-media-type',
    },
    {
      ...upload,
      name: 'Postkorb upload: HTML declared as plain text',
      path: '/postkorb/uploads?filename=antwort.txt',
      headers: { 'content-type': 'text/plain' },
      body: '<html><body><script>alert(document.cookie)</script></body></html>',
      expect: [201],
      // Plain UTF-8 text is text/plain, whatever tags it contains; it is never stored as HTML.
      check: (a) =>
        assertThat(jsonOf<{ mediaType: string }>(a).mediaType === 'text/plain', 'stored as another type'),
    },
    {
      ...upload,
      name: 'Postkorb upload: empty file',
      path: '/postkorb/uploads?filename=leer.pdf',
      body: Buffer.alloc(0),
      expect: [422],
    },
    {
      ...upload,
      name: 'Postkorb upload: 21 MiB (over the 20 MiB limit)',
      path: '/postkorb/uploads?filename=gross.pdf',
      body: () => Buffer.alloc(21 * 1024 * 1024, 0x41),
      expect: [413],
    },
  ];
}

function injectionEntries(): CorpusEntry[] {
  return [
    {
      name: 'drafts: injection strings in every field',
      service: 'intake',
      method: 'POST',
      path: '/drafts',
      as: 'anna',
      json: { tenant: SQLI, leikaKey: "99058012261000'; DROP TABLE intake.drafts; --", ars: NOSQL },
      expect: [400],
      code: 'validation-failed',
      errorPaths: ['/tenant', '/leikaKey', '/ars'],
    },
    {
      name: 'drafts: operator objects instead of strings',
      service: 'intake',
      method: 'POST',
      path: '/drafts',
      as: 'anna',
      json: { tenant: { $ne: null }, leikaKey: { $gt: '' }, ars: ['040110000000'], data: 'x' },
      expect: [400],
      errorPaths: ['/tenant', '/leikaKey', '/ars', '/data'],
    },
    {
      name: 'drafts: unknown fields (mass assignment)',
      service: 'intake',
      method: 'POST',
      path: '/drafts',
      as: 'anna',
      json: { tenant: 'hb', leikaKey: '99058012261000', ownerKey: 'ben', status: 'SUBMITTED' },
      expect: [400],
      errorPaths: ['/ownerKey', '/status'],
    },
    {
      name: 'drafts: SQL in form data is stored as text',
      service: 'intake',
      method: 'PUT',
      path: '/drafts/{uploadDraftId}',
      as: 'anna',
      json: {
        data: { G99000001: { F99000001: "Robert'); DROP TABLE intake.submissions;--", F99000002: SQLI } },
      },
      expect: [200],
      check: (a) => {
        const d = jsonOf<{ data: { G99000001?: { F99000001?: string } } }>(a);
        assertThat(
          d.data.G99000001?.F99000001 === "Robert'); DROP TABLE intake.submissions;--",
          'the form data did not come back verbatim',
        );
      },
    },
    {
      name: 'drafts: one field of 1 MB',
      service: 'intake',
      method: 'PUT',
      path: '/drafts/{uploadDraftId}',
      as: 'anna',
      json: { data: { G99000001: { F99000001: 'x'.repeat(1_000_000) } } },
      expect: [200, 400, 422],
      check: (a) => {
        if (a.status !== 200) return;
        const d = jsonOf<{ fieldErrors: Array<{ path: string }> }>(a);
        assertThat(
          d.fieldErrors.some((e) => e.path === '/data/G99000001/F99000001'),
          `the oversized field is not reported: ${JSON.stringify(d.fieldErrors).slice(0, 300)}`,
        );
      },
    },
    {
      name: 'drafts: 5 MiB body (over the 4 MiB limit)',
      service: 'intake',
      method: 'PUT',
      path: '/drafts/{uploadDraftId}',
      as: 'anna',
      json: () => ({ data: { G99000001: { F99000001: 'x'.repeat(5 * 1024 * 1024) } } }),
      expect: [413],
    },
    {
      name: 'submissions: wrong types everywhere',
      service: 'intake',
      method: 'POST',
      path: '/submissions',
      as: 'anna',
      headers: { 'idempotency-key': 'b4c9b8a6-6f5e-4a43-9d47-3f0a4f1e2d11' },
      json: { tenant: 7, leikaKey: null, ars: true, data: [], draftId: SQLI },
      expect: [400],
      errorPaths: ['/tenant', '/leikaKey', '/ars', '/data', '/draftId'],
    },
    {
      name: 'submissions: Idempotency-Key with an injection string',
      service: 'intake',
      method: 'POST',
      path: '/submissions',
      as: 'anna',
      headers: { 'idempotency-key': SQLI },
      json: { tenant: 'hb', leikaKey: '99058012261000', ars: '040110000000', data: {} },
      expect: [400, 422],
    },
    {
      name: 'public Leistungen of a tenant named by an injection string',
      service: 'intake',
      method: 'GET',
      path: `/tenants/${enc(SQLI)}/leistungen`,
      expect: [200, 400, 404],
      check: (a) => {
        if (a.status === 200) emptyList(a);
      },
    },
    {
      name: 'tenant upsert: wrong types',
      service: 'intake',
      method: 'PUT',
      path: '/admin/tenants/hb',
      as: 'hb-catalog-admin',
      json: { kind: SQLI, name: 42, ars: { $ne: null } },
      expect: [400],
      errorPaths: ['/kind', '/name', '/ars'],
    },
    {
      name: 'Leistung upsert: wrong types and nested garbage',
      service: 'intake',
      method: 'PUT',
      path: '/admin/tenants/hb/leistungen/99058012261000',
      as: 'hb-catalog-admin',
      json: { names: 'x', fimSchema: { id: 1, version: [] }, minTrustLevel: '3', regions: SQLI },
      expect: [400],
      errorPaths: ['/names', '/minTrustLevel', '/regions'],
    },
    {
      name: 'Postkorb messages filtered by an injection string',
      service: 'accounts',
      method: 'GET',
      path: `/postkorb/messages?submissionId=${enc(SQLI)}`,
      as: 'ben',
      expect: [400],
      errorPaths: ['/submissionId'],
    },
    {
      name: 'Postkorb messages with a forged cursor',
      service: 'accounts',
      method: 'GET',
      path: `/postkorb/messages?cursor=${enc(Buffer.from(`{"id":"${SQLI}"}`).toString('base64url'))}`,
      as: 'ben',
      expect: [400],
    },
    {
      name: 'Postkorb messages with wrong query types',
      service: 'accounts',
      method: 'GET',
      path: '/postkorb/messages?limit=-5&unread=maybe&category=%27',
      as: 'anna',
      expect: [400],
      errorPaths: ['/limit', '/unread', '/category'],
    },
    {
      name: 'account activity with a limit that is no number',
      service: 'accounts',
      method: 'GET',
      path: '/me/activity?limit=abc',
      as: 'anna',
      expect: [400],
      errorPaths: ['/limit'],
    },
    {
      name: 'Postkorb reply of 10001 characters',
      service: 'accounts',
      method: 'POST',
      path: '/postkorb/messages/{messageId}/replies',
      as: 'anna',
      json: { text: 'x'.repeat(10_001) },
      expect: [400],
      errorPaths: ['/text'],
    },
    {
      name: 'Postkorb reply attaching injection strings as ids',
      service: 'accounts',
      method: 'POST',
      path: '/postkorb/messages/{messageId}/replies',
      as: 'anna',
      json: { text: 'Hallo', attachmentIds: [SQLI, TRAVERSAL] },
      expect: [400],
      errorPaths: ['/attachmentIds'],
    },
    {
      name: 'account update: wrong types and an oversized e-mail address',
      service: 'accounts',
      method: 'PATCH',
      path: '/me',
      as: 'anna',
      json: { displayName: { $set: 'admin' }, email: `${'x'.repeat(5000)}@example.org` },
      expect: [400],
      errorPaths: ['/displayName', '/email'],
    },
    {
      name: 'e-mail confirmation with an injection token',
      service: 'accounts',
      method: 'POST',
      path: '/email-confirmations',
      json: { token: SQLI },
      expect: [400],
      errorPaths: ['/token'],
    },
    {
      name: 'e-mail confirmation link with an injection token',
      service: 'accounts',
      method: 'GET',
      path: `/email-confirmations?token=${enc(SQLI)}`,
      expect: [400],
      errorPaths: ['/token'],
    },
    {
      name: 'mandate with injection strings',
      service: 'accounts',
      method: 'POST',
      path: '/mandates',
      as: 'musterbau',
      json: { representativeKey: SQLI, leikaKeys: [TRAVERSAL], validUntil: 'yesterday' },
      expect: [400, 404, 422],
    },
    {
      name: 'mandates listed with an unknown filter',
      service: 'accounts',
      method: 'GET',
      path: `/mandates?state=${enc(SQLI)}`,
      as: 'musterbau',
      expect: [400],
    },
    {
      name: 'fee: wrong types and a negative amount',
      service: 'payment',
      method: 'POST',
      path: '/admin/tenants/hb/fees',
      as: 'hb-payment-admin',
      json: { leikaKey: SQLI, amountCents: -100, purpose: { $ne: null }, bookingData: [1] },
      expect: [400],
      errorPaths: ['/leikaKey', '/amountCents', '/purpose'],
    },
    {
      name: 'fee lookup with injection strings',
      service: 'payment',
      method: 'GET',
      path: `/admin/tenants/hb/fees/lookup?leikaKey=${enc(SQLI)}&ars=${enc(NOSQL)}`,
      as: 'hb-payment-admin',
      expect: [400],
      errorPaths: ['/leikaKey', '/ars'],
    },
    {
      name: 'payment provider pointing at a local file',
      service: 'payment',
      method: 'PUT',
      path: '/admin/tenants/hb/providers/test',
      as: 'hb-payment-admin',
      json: { kind: 'simulator', baseUrl: 'file:///etc/passwd', settings: {} },
      expect: [400, 422],
      errorPaths: ['/baseUrl'],
    },
    {
      name: 'payment with a javascript: return URL',
      service: 'payment',
      method: 'POST',
      path: '/submissions/{submissionId}/payment',
      as: 'anna',
      json: { returnUrl: 'javascript:alert(document.cookie)' },
      expect: [400, 422],
      errorPaths: ['/returnUrl'],
    },
    {
      name: 'payment audit log with wrong query types',
      service: 'payment',
      method: 'GET',
      path: '/admin/tenants/hb/audit-log?limit=abc',
      as: 'hb-payment-admin',
      expect: [400],
      errorPaths: ['/limit'],
    },
    {
      name: 'destination with an injection id and a file: endpoint',
      service: 'routing',
      method: 'POST',
      path: '/destinations',
      as: 'hb-routing-admin',
      json: {
        id: "x'; DROP TABLE routing.destinations; --",
        channel: 'http-push',
        format: 'xdomea-3.0',
        endpointUrl: 'file:///etc/passwd',
      },
      expect: [400],
      errorPaths: ['/id', '/endpointUrl'],
    },
    {
      name: 'destination update with a javascript: callback and wrong types',
      service: 'routing',
      method: 'PATCH',
      path: '/destinations/{destinationId}',
      as: 'hb-routing-admin',
      json: { callbackUrl: 'javascript:alert(1)', active: 'yes', maxMessageBytes: 1e20 },
      expect: [400],
      errorPaths: ['/callbackUrl', '/active', '/maxMessageBytes'],
    },
    {
      name: 'route with injection strings',
      service: 'routing',
      method: 'POST',
      path: '/routes',
      as: 'hb-routing-admin',
      json: { leikaKey: SQLI, ars: NOSQL, destinationId: TRAVERSAL },
      expect: [400],
      errorPaths: ['/leikaKey', '/ars'],
    },
    {
      name: 'routes listed by an injection string',
      service: 'routing',
      method: 'GET',
      path: `/routes?leikaKey=${enc(SQLI)}`,
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/leikaKey'],
    },
    {
      name: 'routes exported in an unknown format for an injection tenant',
      service: 'routing',
      method: 'GET',
      path: `/routes/export?format=xml&tenant=${enc(SQLI)}`,
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/format', '/tenant'],
    },
    {
      name: 'route resolution with injection strings',
      service: 'routing',
      method: 'GET',
      path: `/routes/resolve?leikaKey=${enc(SQLI)}&ars=${enc(NOSQL)}`,
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/leikaKey', '/ars'],
    },
    {
      name: 'route import: CSV with a formula, a broken quote and invalid bytes',
      service: 'routing',
      method: 'POST',
      path: '/routes/import',
      as: 'hb-routing-admin',
      headers: { 'content-type': 'text/csv' },
      body: Buffer.concat([
        Buffer.from('leikaKey,ars,destinationId\n=cmd|" /C calc"!A0,04011,"hb-bewohnerparken\n'),
        Buffer.from([0xff, 0xfe]),
      ]),
      expect: [400],
    },
    {
      name: 'route import in an unknown mode',
      service: 'routing',
      method: 'POST',
      path: `/routes/import?mode=${enc(SQLI)}`,
      as: 'hb-routing-admin',
      json: [],
      expect: [400],
      errorPaths: ['/mode'],
    },
    {
      name: 'messages filtered by an injection string',
      service: 'routing',
      method: 'GET',
      path: `/messages?submissionId=${enc(SQLI)}&state=${enc(NOSQL)}&destinationId=${enc(TRAVERSAL)}`,
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/submissionId', '/state', '/destinationId'],
    },
    {
      name: 'messages with a limit that is no number',
      service: 'routing',
      method: 'GET',
      path: '/messages?limit=1e309',
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/limit'],
    },
    {
      name: 'messages with a negative limit',
      service: 'routing',
      method: 'GET',
      path: '/messages?limit=-1',
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/limit'],
    },
    {
      name: 'audit log with a negative limit',
      service: 'routing',
      method: 'GET',
      path: '/audit-log?limit=-1',
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/limit'],
    },
    {
      name: 'unroutable submissions with injection strings as filters',
      service: 'routing',
      method: 'GET',
      path: `/unroutable?since=${enc(SQLI)}&limit=${enc(NOSQL)}`,
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/since', '/limit'],
    },
    {
      name: 'dead letters filtered by an injection string',
      service: 'routing',
      method: 'GET',
      path: `/dead-letters?destinationId=${enc(SQLI)}`,
      as: 'hb-routing-admin',
      expect: [400],
      errorPaths: ['/destinationId'],
    },
    {
      name: 'Fachverfahren mailbox of an unknown kind',
      service: 'routing',
      method: 'GET',
      path: `/fachverfahren/messages?kind=${enc(SQLI)}&limit=0&destinationId=${enc(NOSQL)}`,
      as: 'fv-bremen-parken',
      expect: [400],
      errorPaths: ['/kind', '/limit', '/destinationId'],
    },
    {
      name: 'Fachverfahren status: unknown status and an oversized message',
      service: 'routing',
      method: 'POST',
      path: '/fachverfahren/messages/{routingMessageId}/status',
      as: 'fv-bremen-parken',
      json: { status: SQLI, message: 'x'.repeat(10_001), statusId: TRAVERSAL },
      expect: [400],
      errorPaths: ['/status', '/message', '/statusId'],
    },
    {
      name: 'Fachverfahren reply: attachment that is no base64, path in the file name',
      service: 'routing',
      method: 'POST',
      path: '/fachverfahren/messages/{routingMessageId}/replies',
      as: 'fv-bremen-parken',
      json: {
        kind: 'BESCHEID',
        subject: 'Bescheid',
        body: 'Text',
        attachments: [{ filename: '../../etc/passwd', mediaType: 'text/html;<script>', content: '%%%' }],
      },
      expect: [400],
    },
    {
      name: 'Fachverfahren reject: problems of the wrong type',
      service: 'routing',
      method: 'POST',
      path: '/fachverfahren/messages/{routingMessageId}/reject',
      as: 'fv-bremen-parken',
      json: { problems: SQLI },
      expect: [400],
      errorPaths: ['/problems'],
    },
    {
      name: 'diagnostics echo of 201 characters',
      service: 'routing',
      method: 'POST',
      path: '/diagnostics/echo',
      as: 'operator',
      json: { message: 'x'.repeat(201) },
      expect: [400],
      errorPaths: ['/message'],
    },
  ];
}

/**
 * Body limit of a route without a `@BodyLimit` of its own (`bodyLimit` in apps/<service>/src/service.ts, 1 MiB
 * where none is set; intake's drafts and submissions and routing's replies and imports allow more).
 */
const BODY_LIMIT_MIB: Record<SystemService, number> = { intake: 1, accounts: 1, payment: 1, routing: 1 };

/** Limits of the HTTP layer itself, once per service. */
function transportEntries(): CorpusEntry[] {
  const services = ['intake', 'accounts', 'payment', 'routing'] as const;
  return services.flatMap((service): CorpusEntry[] => [
    {
      name: `a 20 KB Authorization header`,
      service,
      method: 'GET',
      path: '/health/live',
      headers: { authorization: `Bearer ${'a'.repeat(20_000)}` },
      expect: [431],
    },
    {
      name: `a 20 KB query string`,
      service,
      method: 'GET',
      path: `/health/live?${'q=1&'.repeat(5000)}`,
      expect: [431],
    },
    {
      name: `broken percent-encoding in the path`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/%E0%A4%A',
      as: 'operator',
      expect: [400],
    },
    {
      name: `overlong UTF-8 in the path`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/%C0%AE%C0%AE%C0%AF',
      as: 'operator',
      expect: [400],
    },
    {
      name: `a path parameter of 500 characters`,
      service,
      method: 'GET',
      path: `/diagnostics/echo/${'9'.repeat(500)}`,
      as: 'operator',
      expect: [400, 404, 414],
    },
    {
      name: `NUL byte in a path parameter`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/00000000-0000-4000-8000-000000000000%00',
      as: 'operator',
      expect: [400, 404],
    },
    {
      name: `JSON body 1 MiB over the service's limit`,
      service,
      method: 'POST',
      path: '/diagnostics/echo',
      as: 'operator',
      json: () => ({ message: 'x'.repeat(BODY_LIMIT_MIB[service] * 1024 * 1024 + 1024 * 1024) }),
      expect: [413],
    },
    {
      name: `unknown route`,
      service,
      method: 'GET',
      path: '/..%2F..%2Fetc%2Fpasswd',
      expect: [404],
      check: noPasswd,
    },
    {
      name: `garbled token`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/{unknownId}',
      as: 'garbled',
      expect: [401],
    },
    {
      name: `unsigned token (alg none)`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/{unknownId}',
      as: 'alg-none',
      expect: [401],
    },
    {
      name: `token of an issuer nobody trusts`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/{unknownId}',
      as: 'other-issuer',
      expect: [401],
    },
    {
      name: `Basic instead of Bearer`,
      service,
      method: 'GET',
      path: '/diagnostics/echo/{unknownId}',
      headers: { authorization: 'Basic b3BlcmF0b3I6b3BlcmF0b3I=' },
      expect: [401],
    },
  ]);
}

/** A complete Bewohnerparkausweis application of clara's whose proof of residence is anna's file. */
function claraApplication(f: HostileFixture): Record<string, unknown> {
  return {
    tenant: 'hb',
    leikaKey: '99058012261000',
    ars: '040110000000',
    data: {
      G99000001: {
        F99000001: 'Clara',
        F99000002: 'Fischer',
        F99000003: '1990-02-03',
        F99000004: 'clara.fischer@example.org',
      },
      G99000002: { F99000010: 'Am Wall', F99000011: '7', F99000012: '28195', F99000013: 'Bremen' },
      G99000003: { F99000020: 'HB-CF 42', F99000021: true, F99000022: 'Fiat 500' },
      F99000030: 12,
      F99000040: {
        attachmentId: f.ids.attachmentId,
        filename: 'meldebescheinigung.pdf',
        mediaType: 'application/pdf',
        size: 600,
      },
    },
  };
}

/** Someone else's data: other citizens, other tenants' admins, other Fachverfahren, wrong kinds of caller. */
function foreignEntries(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  const citizenReads: Array<[SystemService, CorpusEntry['method'], string]> = [
    ['intake', 'GET', '/submissions/{submissionId}'],
    ['intake', 'GET', '/submissions/{submissionId}/status'],
    ['intake', 'GET', '/drafts/{draftId}'],
    ['intake', 'DELETE', '/drafts/{draftId}'],
    ['intake', 'GET', '/drafts/{draftId}/attachments/{attachmentId}'],
    ['intake', 'GET', '/drafts/{draftId}/attachments/{attachmentId}/content'],
    ['intake', 'DELETE', '/drafts/{draftId}/attachments/{attachmentId}'],
    ['payment', 'GET', '/submissions/{submissionId}/payment'],
    ['accounts', 'GET', '/postkorb/messages/{messageId}'],
    ['accounts', 'POST', '/postkorb/messages/{messageId}/unread'],
    ['accounts', 'DELETE', '/postkorb/messages/{messageId}'],
    ['accounts', 'GET', '/postkorb/messages/{messageId}/attachments/{bescheidFileId}'],
    ['accounts', 'GET', '/postkorb/submissions/{submissionId}/timeline'],
  ];
  for (const as of ['ben', 'clara', 'dora', 'musterbau'] as const) {
    for (const [service, method, path] of citizenReads) {
      out.push({ name: `${as}: ${method} anna's ${path}`, service, method, path, as, expect: [404] });
    }
  }
  const others = (as: Caller, service: SystemService, path: string, extra: Partial<CorpusEntry> = {}) =>
    ({
      name: `${as}: ${path} lists nothing of anna's`,
      service,
      method: 'GET',
      path,
      as,
      expect: [200],
      check: emptyList,
      ...extra,
    }) as CorpusEntry;
  out.push(
    others('ben', 'intake', '/drafts'),
    others('ben', 'intake', '/submissions'),
    others('ben', 'accounts', '/postkorb/messages'),
    others('ben', 'accounts', '/postkorb/submissions'),
    others('clara', 'accounts', '/postkorb/messages?unread=true'),
    others('nw-routing-admin', 'routing', '/messages?submissionId={submissionId}'),
    others('nw-routing-admin', 'routing', '/destinations'),
    others('nw-routing-admin', 'routing', '/routes'),
    others('nw-routing-admin', 'routing', '/unroutable'),
    others('fv-other', 'routing', '/fachverfahren/messages'),
    others('fv-other', 'routing', '/fachverfahren/messages?destinationId={destinationId}', {
      expect: [200, 403, 404],
      check: (a) => {
        if (a.status === 200) emptyList(a);
      },
    }),
    {
      name: "ben: pays anna's fee",
      service: 'payment',
      method: 'POST',
      path: '/submissions/{submissionId}/payment',
      as: 'ben',
      json: {},
      expect: [404],
    },
    {
      name: "ben: answers anna's Bescheid",
      service: 'accounts',
      method: 'POST',
      path: '/postkorb/messages/{messageId}/replies',
      as: 'ben',
      json: { text: 'Widerspruch!' },
      expect: [404],
    },
    {
      name: 'anna: attaches her upload that was already sent with another reply',
      service: 'accounts',
      method: 'POST',
      path: '/postkorb/messages/{messageId}/replies',
      as: 'anna',
      json: (f) => ({ text: 'Noch einmal', attachmentIds: [f.ids.replyUploadId] }),
      expect: [400, 404, 409, 422],
    },
    {
      name: "ben: saves data into anna's draft",
      service: 'intake',
      method: 'PUT',
      path: '/drafts/{draftId}',
      as: 'ben',
      json: { data: {} },
      expect: [404],
    },
    {
      name: "ben: uploads into anna's draft",
      service: 'intake',
      method: 'POST',
      path: '/drafts/{draftId}/attachments',
      as: 'ben',
      ...pdfUpload('fremd.pdf'),
      expect: [404],
    },
    {
      // clara: ben lacks the trust level, so his attempt would stop before the draft is looked at.
      name: "clara: submits anna's draft",
      service: 'intake',
      method: 'POST',
      path: '/submissions',
      as: 'clara',
      headers: { 'idempotency-key': '5b0f7a8e-3d0e-4f3c-8a53-6c1b0a9e2f44' },
      json: (f) => ({ ...claraApplication(f), draftId: f.ids.draftId }),
      expect: [404, 422],
    },
    {
      name: "clara: references anna's attachment in her own application",
      service: 'intake',
      method: 'POST',
      path: '/submissions',
      as: 'clara',
      headers: { 'idempotency-key': '0d6f3b52-7a11-4c1e-9a0f-5e2b8c7d9e13' },
      json: claraApplication,
      expect: [422],
      errorPaths: ['/data/F99000040'],
    },
    {
      name: 'ben: acts for anna',
      service: 'intake',
      method: 'GET',
      path: '/submissions/{submissionId}',
      as: 'ben',
      headers: { 'x-act-for': `${OIDC_ISSUER}|anna` },
      expect: [403, 404],
    },
    {
      name: 'ben: acts for anna in the Postkorb',
      service: 'accounts',
      method: 'GET',
      path: '/postkorb/messages',
      as: 'ben',
      headers: { 'x-act-for': `${OIDC_ISSUER}|anna` },
      expect: [403, 404],
    },
    {
      name: 'dora: acts for an injection string',
      service: 'accounts',
      method: 'GET',
      path: '/postkorb/messages',
      as: 'dora',
      headers: { 'x-act-for': SQLI },
      expect: [400, 403, 404],
    },
    {
      name: "anonymous: reads anna's submission",
      service: 'intake',
      method: 'GET',
      path: '/submissions/{submissionId}/status',
      expect: [401, 404],
    },
    {
      name: "anonymous: reads anna's submission with a made-up receipt token",
      service: 'intake',
      method: 'GET',
      path: '/submissions/{submissionId}/status',
      headers: { 'x-receipt-token': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      expect: [401, 404],
    },
    {
      name: "anonymous: reads anna's draft with a made-up draft token",
      service: 'intake',
      method: 'GET',
      path: '/drafts/{draftId}',
      headers: { 'x-draft-token': SQLI },
      expect: [401, 404],
    },
    {
      name: "anonymous: uploads into anna's draft",
      service: 'intake',
      method: 'POST',
      path: '/drafts/{draftId}/attachments',
      ...pdfUpload('anonym.pdf'),
      expect: [401, 404],
    },
  );
  const tenantCases: Array<[Caller, SystemService, CorpusEntry['method'], string, number[], unknown?]> = [
    ['nw-catalog-admin', 'intake', 'GET', '/admin/tenants/hb', [403]],
    ['nw-catalog-admin', 'intake', 'GET', '/admin/tenants/hb/leistungen', [403]],
    ['nw-catalog-admin', 'intake', 'GET', '/admin/tenants/hb/leistungen/99058012261000', [403]],
    ['nw-catalog-admin', 'intake', 'GET', '/admin/tenants/hb/audit-log', [403]],
    [
      'nw-catalog-admin',
      'intake',
      'PUT',
      '/admin/tenants/hb',
      [403],
      { kind: 'KOMMUNE', name: 'Übernommen', ars: '04011' },
    ],
    ['nw-routing-admin', 'routing', 'GET', '/destinations/{destinationId}', [404]],
    ['nw-routing-admin', 'routing', 'PATCH', '/destinations/{destinationId}', [404], { active: false }],
    ['nw-routing-admin', 'routing', 'POST', '/destinations/{destinationId}/secret', [404], {}],
    ['nw-routing-admin', 'routing', 'POST', '/destinations/{destinationId}/redeliver', [404]],
    ['nw-routing-admin', 'routing', 'GET', '/messages/{routingMessageId}', [404]],
    ['nw-routing-admin', 'routing', 'DELETE', '/routes/{routeId}', [404]],
    ['nw-routing-admin', 'routing', 'GET', '/routes/export?tenant=hb', [403]],
    ['nw-routing-admin', 'routing', 'POST', '/routes/import?mode=replace&tenant=hb', [403], []],
    [
      'nw-routing-admin',
      'routing',
      'GET',
      '/routes/resolve?leikaKey=99058012261000&ars=040110000000&tenant=hb',
      [403, 404],
    ],
    ['hb-payment-admin', 'payment', 'GET', '/admin/tenants/nw/fees', [403]],
    ['hb-payment-admin', 'payment', 'GET', '/admin/tenants/nw/providers', [403]],
    ['hb-routing-admin', 'payment', 'GET', '/admin/tenants/hb/fees', [403]],
    ['hb-catalog-admin', 'routing', 'GET', '/destinations', [403]],
    ['hb-payment-admin', 'intake', 'GET', '/admin/tenants/hb/leistungen', [403]],
    ['operator', 'intake', 'GET', '/admin/tenants/hb/audit-log', [403]],
    ['operator', 'payment', 'GET', '/admin/tenants/hb/fees', [403]],
    ['anna', 'routing', 'GET', '/messages', [403]],
    ['anna', 'payment', 'GET', '/admin/tenants/hb/fees/{feeId}', [403]],
    ['anna', 'intake', 'PUT', '/admin/tenants/hb/leistungen/99058012261000', [403], { names: { de: 'x' } }],
    ['anna', 'routing', 'GET', '/fachverfahren/messages/{routingMessageId}', [403]],
    ['anna', 'intake', 'POST', '/diagnostics/echo', [403], { message: 'hi' }],
    ['fv-bremen-parken', 'intake', 'GET', '/submissions/{submissionId}', [403, 404]],
    ['fv-bremen-parken', 'accounts', 'GET', '/postkorb/messages', [403, 404]],
    ['fv-bremen-parken', 'routing', 'GET', '/destinations', [403]],
    ['fv-no-scope', 'routing', 'GET', '/fachverfahren/messages', [403]],
    [
      'fv-no-scope',
      'routing',
      'POST',
      '/fachverfahren/messages/{routingMessageId}/status',
      [403],
      { status: 'COMPLETED' },
    ],
  ];
  for (const [as, service, method, path, expect, json] of tenantCases) {
    out.push({
      name: `${as}: ${method} ${path}`,
      service,
      method,
      path,
      as,
      expect,
      ...(json === undefined ? {} : { json }),
    });
  }
  const fvPaths: Array<[CorpusEntry['method'], string, unknown?]> = [
    ['GET', '/fachverfahren/messages/{routingMessageId}'],
    ['GET', '/fachverfahren/messages/{routingMessageId}/payload'],
    ['GET', '/fachverfahren/messages/{routingMessageId}/metadata'],
    ['POST', '/fachverfahren/messages/{routingMessageId}/accept'],
    ['POST', '/fachverfahren/messages/{routingMessageId}/receipt'],
    ['POST', '/fachverfahren/messages/{routingMessageId}/reject', { problems: [{ title: 'fremd' }] }],
    ['POST', '/fachverfahren/messages/{routingMessageId}/status', { status: 'REJECTED', message: 'fremd' }],
    [
      'POST',
      '/fachverfahren/messages/{routingMessageId}/replies',
      { kind: 'MESSAGE', subject: 'Phishing', body: 'Bitte zahlen Sie an …', attachments: [] },
    ],
  ];
  for (const [method, path, json] of fvPaths) {
    out.push({
      name: `fv-other: ${method} ${path} of another destination`,
      service: 'routing',
      method,
      path,
      as: 'fv-other',
      expect: [404],
      ...(json === undefined ? {} : { json }),
    });
  }
  return out;
}

/** Signed file URLs and payment callbacks: the signature or token is the authorisation, so tampering must fail. */
function signatureEntries(): CorpusEntry[] {
  const past = () => new Date(Date.now() - 60_000);
  const tamper = (path: string, edit: (q: URLSearchParams) => void): string => {
    const [p, query] = path.split('?');
    const q = new URLSearchParams(query);
    edit(q);
    return `${p}?${q.toString()}`;
  };
  const flip = (s: string) => `${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`;
  const out: CorpusEntry[] = [];
  const signed = [
    ['intake', 'attachmentId', [403], 410],
    ['accounts', 'replyUploadId', [404], 404],
  ] as const;
  for (const [service, id, refused, expired] of signed) {
    out.push(
      {
        name: `signed URL: genuine (the control)`,
        service,
        method: 'GET',
        path: (f) => f.signedPath(service, f.ids[id]),
        expect: [200],
        seesAnna: true,
        check: (a) => assertThat(a.text.startsWith('%PDF-'), 'the genuine link did not deliver the PDF'),
      },
      {
        name: `signed URL: no signature`,
        service,
        method: 'GET',
        path: `/files/{${id}}`,
        expect: [...refused],
      },
      {
        name: `signed URL: one character of the signature changed`,
        service,
        method: 'GET',
        path: (f) =>
          tamper(f.signedPath(service, f.ids[id]), (q) => q.set('signature', flip(q.get('signature') ?? ''))),
        expect: [...refused],
      },
      {
        name: `signed URL: expiry moved a day later`,
        service,
        method: 'GET',
        path: (f) =>
          tamper(f.signedPath(service, f.ids[id]), (q) =>
            q.set('expires', String(Number(q.get('expires')) + 86_400)),
          ),
        expect: [...refused],
      },
      {
        name: `signed URL: replayed after it expired`,
        service,
        method: 'GET',
        path: (f) => f.signedPath(service, f.ids[id], past()),
        expect: [expired],
      },
      {
        name: `signed URL: signature of another file`,
        service,
        method: 'GET',
        path: (f) => f.signedPath(service, f.ids.unknownId).replace(f.ids.unknownId, f.ids[id]),
        expect: [...refused],
      },
      {
        name: `signed URL: signature and expiry with injection strings`,
        service,
        method: 'GET',
        path: `/files/{${id}}?expires=${enc("1' OR '1'='1")}&signature=${enc(SQLI)}`,
        expect: [400],
        errorPaths: ['/expires', '/signature'],
      },
      {
        name: `signed URL: expiry of 30 digits`,
        service,
        method: 'GET',
        path: (f) => tamper(f.signedPath(service, f.ids[id]), (q) => q.set('expires', '9'.repeat(30))),
        expect: [400],
        errorPaths: ['/expires'],
      },
      {
        name: `signed URL: expiry and signature given twice`,
        service,
        method: 'GET',
        path: (f) => {
          const genuine = f.signedPath(service, f.ids[id]);
          return `${genuine}&${genuine.split('?')[1]}`;
        },
        expect: [400],
        errorPaths: ['/expires', '/signature'],
      },
    );
  }
  out.push(
    {
      name: "signed URL: routing's signature scheme",
      service: 'accounts',
      method: 'GET',
      path: (f) => f.signedPath('routing', f.ids.replyUploadId),
      expect: [404],
    },
    {
      name: 'signed URL: genuine for a file that does not exist',
      service: 'routing',
      method: 'GET',
      path: (f) => f.signedPath('routing', f.ids.unknownId),
      expect: [404],
    },
    {
      name: 'signed URL: one character of the signature changed',
      service: 'routing',
      method: 'GET',
      path: (f) =>
        tamper(f.signedPath('routing', f.ids.unknownId), (q) =>
          q.set('signature', flip(q.get('signature') ?? '')),
        ),
      expect: [403],
    },
    {
      name: 'signed URL: replayed after it expired',
      service: 'routing',
      method: 'GET',
      path: (f) => f.signedPath('routing', f.ids.unknownId, past()),
      expect: [403],
    },
    {
      name: "signed URL: intake's signature",
      service: 'routing',
      method: 'GET',
      path: (f) => f.signedPath('intake', f.ids.unknownId),
      expect: [403],
    },
    {
      name: 'Fachverfahren callback authenticated only by a replayed push signature',
      service: 'routing',
      method: 'POST',
      path: '/fachverfahren/messages/{routingMessageId}/status',
      headers: (f) => pushSignature(f.destinationSecret, '{"status":"COMPLETED"}'),
      body: '{"status":"COMPLETED"}',
      expect: [401],
    },
    {
      name: 'payment return without the callback token',
      service: 'payment',
      method: 'GET',
      path: '/payments/{transactionId}/return',
      expect: [404],
    },
    {
      name: 'payment return with a guessed token',
      service: 'payment',
      method: 'GET',
      path: `/payments/{transactionId}/return?token=${enc(SQLI)}`,
      expect: [400],
      errorPaths: ['/token'],
    },
    {
      name: 'payment return with the genuine token given twice',
      service: 'payment',
      method: 'GET',
      path: '/payments/{transactionId}/return?token={notifyToken}&token={notifyToken}',
      expect: [400],
      errorPaths: ['/token'],
    },
    {
      name: 'payment notification claiming success with a guessed token',
      service: 'payment',
      method: 'POST',
      path: '/payments/{transactionId}/notifications?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      json: { status: 'PAYED', amount: 0 },
      expect: [404],
    },
    {
      name: 'payment notification with the genuine token on another transaction',
      service: 'payment',
      method: 'POST',
      path: '/payments/{unknownId}/notifications?token={notifyToken}',
      json: { status: 'PAYED' },
      expect: [404],
    },
    {
      name: 'payment notification replayed with the genuine token and a forged body',
      service: 'payment',
      method: 'POST',
      path: '/payments/{transactionId}/notifications?token={notifyToken}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'status=FAILED&amount=0&transactionId=00000000-0000-4000-8000-000000000000',
      // Only triggers a status query at the provider: the payment stays PAYED (checked after the corpus).
      expect: [204],
    },
    {
      name: 'payment return for a transaction id that is no UUID',
      service: 'payment',
      method: 'GET',
      path: `/payments/${enc(TRAVERSAL)}/return?token=x`,
      expect: [404],
      code: 'not-found',
    },
  );
  return out;
}

/** The headers of a push delivery routing signs with the destination secret (HMAC-SHA512 over `<ts>.<body>`). */
function pushSignature(secret: string, body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-amtsbote-timestamp': String(ts),
    'x-amtsbote-signature': `sha512=${createHmac('sha512', secret).update(`${ts}.`).update(body).digest('hex')}`,
  };
}

/** Unstorable characters in real fields of the endpoints where they reached PostgreSQL (issue 17). */
function unstorableEntries(): CorpusEntry[] {
  const nul = `${LOGGED_NEVER}\u0000`;
  const lone = `${LOGGED_NEVER}\ud800`;
  const refused: Pick<CorpusEntry, 'expect' | 'code'> = { expect: [400], code: 'invalid-characters' };
  return [
    {
      name: 'drafts: NUL in form data',
      service: 'intake',
      method: 'PUT',
      path: '/drafts/{uploadDraftId}',
      as: 'anna',
      json: { data: { G99000001: { F99000001: nul } } },
      ...refused,
      errorPaths: ['/data/G99000001/F99000001'],
    },
    {
      name: 'drafts: lone surrogate in form data of a new draft',
      service: 'intake',
      method: 'POST',
      path: '/drafts',
      as: 'anna',
      json: { tenant: 'hb', leikaKey: '99058012261000', data: { G99000001: { F99000002: lone } } },
      ...refused,
      errorPaths: ['/data/G99000001/F99000002'],
    },
    {
      name: 'submissions: NUL in form data',
      service: 'intake',
      method: 'POST',
      path: '/submissions',
      as: 'anna',
      headers: { 'idempotency-key': 'c1d7e0b4-2f4e-4d5a-9c3b-7e1f0a2b3c4d' },
      json: { tenant: 'hb', leikaKey: '99058012261000', ars: '040110000000', data: { F99000030: nul } },
      ...refused,
      errorPaths: ['/data/F99000030'],
    },
    {
      name: 'Leistung: NUL in its name',
      service: 'intake',
      method: 'PUT',
      path: '/admin/tenants/hb/leistungen/99058012261000',
      as: 'hb-catalog-admin',
      json: {
        names: { de: nul },
        fimSchema: { id: 'S99000001', version: '1.0' },
        minTrustLevel: 3,
        regions: ['04011'],
      },
      ...refused,
      errorPaths: ['/names/de'],
    },
    {
      name: 'Fachverfahren status: lone surrogate in the message',
      service: 'routing',
      method: 'POST',
      path: '/fachverfahren/messages/{routingMessageId}/status',
      as: 'fv-bremen-parken',
      json: { status: 'PROCESSING', message: lone },
      ...refused,
      errorPaths: ['/message'],
    },
    {
      name: 'Fachverfahren reply: NUL in the subject',
      service: 'routing',
      method: 'POST',
      path: '/fachverfahren/messages/{routingMessageId}/replies',
      as: 'fv-bremen-parken',
      json: { kind: 'MESSAGE', subject: nul, body: 'Text', attachments: [] },
      ...refused,
      errorPaths: ['/subject'],
    },
    {
      name: 'Postkorb reply: NUL in the text',
      service: 'accounts',
      method: 'POST',
      path: '/postkorb/messages/{messageId}/replies',
      as: 'anna',
      json: { text: nul },
      ...refused,
      errorPaths: ['/text'],
    },
    {
      name: 'account: lone surrogate in the display name',
      service: 'accounts',
      method: 'PATCH',
      path: '/me',
      as: 'anna',
      json: { displayName: lone },
      ...refused,
      errorPaths: ['/displayName'],
    },
    {
      name: 'destination: NUL in its name',
      service: 'routing',
      method: 'POST',
      path: '/destinations',
      as: 'hb-routing-admin',
      json: {
        id: 'hb-nul-probe',
        name: nul,
        identity: 'psw:hb-nul',
        channel: 'pull',
        format: 'xdomea-3.0',
        alertContact: 'ops@example.org',
      },
      ...refused,
      errorPaths: ['/name'],
    },
    {
      name: 'fee: NUL in the purpose',
      service: 'payment',
      method: 'POST',
      path: '/admin/tenants/hb/fees',
      as: 'hb-payment-admin',
      json: { leikaKey: '99058012261000', amountCents: 100, purpose: nul },
      ...refused,
      errorPaths: ['/purpose'],
    },
  ];
}

/** The other findings of issue 17 that an entry can show. */
function hardeningEntries(): CorpusEntry[] {
  const services = ['intake', 'accounts', 'payment', 'routing'] as const;
  /** What anna may read in each service (routing: nothing, so 403 with a token that is accepted). */
  const annaReads: Record<SystemService, string> = {
    intake: '/drafts',
    accounts: '/me',
    payment: '/submissions/{submissionId}/payment',
    routing: '/diagnostics/echo/{unknownId}',
  };
  const destination = (id: string) => ({
    id,
    name: 'Fremdes Ziel',
    identity: 'psw:fremd',
    channel: 'pull',
    format: 'xdomea-3.0',
    alertContact: 'ops@example.org',
  });
  return [
    ...services.flatMap((service): CorpusEntry[] => [
      { name: '/metrics without a token', service, method: 'GET', path: '/metrics', expect: [401, 403] },
      {
        name: '/metrics with a citizen’s token',
        service,
        method: 'GET',
        path: '/metrics',
        as: 'anna',
        expect: [401, 403],
      },
      {
        name: 'token issued in the future (iat)',
        service,
        method: 'GET',
        path: annaReads[service],
        as: 'issued-in-future',
        expect: [401],
      },
      {
        name: 'token valid for decades (exp)',
        service,
        method: 'GET',
        path: annaReads[service],
        as: 'valid-for-decades',
        expect: [401],
      },
    ]),
    {
      name: 'mandate valid from the year 275760',
      service: 'accounts',
      method: 'POST',
      path: '/mandates',
      as: 'musterbau',
      json: {
        representativeKey: `${OIDC_ISSUER}|dora`,
        leikaKeys: null,
        validFrom: '+275760-09-13T00:00:00.000Z',
      },
      expect: [400],
      errorPaths: ['/validFrom'],
    },
    {
      name: 'mandate valid until the year 275760',
      service: 'accounts',
      method: 'POST',
      path: '/mandates',
      as: 'musterbau',
      json: {
        representativeKey: `${OIDC_ISSUER}|dora`,
        leikaKeys: null,
        validUntil: '+275760-09-13T00:00:00.000Z',
      },
      expect: [400],
      errorPaths: ['/validUntil'],
    },
    // Existing or not, another tenant's id gets the same answer (a 409 would reveal it, reading it is 404).
    {
      name: "nw-routing-admin: creates a destination with hb's existing id",
      service: 'routing',
      method: 'POST',
      path: '/destinations',
      as: 'nw-routing-admin',
      json: destination('hb-bewohnerparken'),
      expect: [422],
      code: 'destination-id-outside-tenant',
    },
    {
      name: 'nw-routing-admin: creates a destination with an unused id of hb',
      service: 'routing',
      method: 'POST',
      path: '/destinations',
      as: 'nw-routing-admin',
      json: destination('hb-never-used-7f3a'),
      expect: [422],
      code: 'destination-id-outside-tenant',
    },
    {
      name: "hb-catalog-admin: moves the tenant's area into another Land",
      service: 'intake',
      method: 'PUT',
      path: '/admin/tenants/hb',
      as: 'hb-catalog-admin',
      json: { kind: 'LAND', name: 'Stadtgemeinde Bremen', ars: '05' },
      expect: [403],
      code: 'tenant-ars-locked',
    },
    {
      name: 'ben: starts a draft below the Leistung’s trust level',
      service: 'intake',
      method: 'POST',
      path: '/drafts',
      as: 'ben',
      json: { tenant: 'hb', leikaKey: '99058012261000', ars: '040110000000' },
      expect: [403],
      code: 'insufficient-trust-level',
    },
  ];
}

export const CORPUS: CorpusEntry[] = [
  ...ENDPOINTS.flatMap((e) => [...tokenAttacks(e), ...pathAttacks(e), ...bodyAttacks(e)]),
  ...fimSchemaEntries(),
  ...attachmentEntries(),
  ...accountsUploadEntries(),
  ...injectionEntries(),
  ...transportEntries(),
  ...foreignEntries(),
  ...signatureEntries(),
  ...unstorableEntries(),
  ...hardeningEntries(),
];
