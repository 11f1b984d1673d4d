/**
 * Hostile input (issue 9 §4): every entry of the corpus (corpus.ts) is sent to the four real services as its own
 * test, against data anna really owns (the demo journey ran first). For every answer: an acceptable status and
 * never a 5xx or a hang; a refusal is RFC 9457 problem+json with German and English titles and the field paths
 * of a validation error; nobody else sees anything of anna's; no file content or stack trace leaks. Afterwards
 * every service still answers, and nothing the corpus tried changed anna's data or the tenant's setup.
 * Every answer carries the security headers (nosniff, no-store), and nothing of anna's and no form value the
 * corpus sent ever shows up in a service's log (issue 17).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { redirectLogs, UrlSigner } from '@amtsbote/platform';
import {
  clientCredentialsToken,
  forgeToken,
  issuerSignedToken,
  minimalPdf,
  mintToken,
  OIDC_ISSUER,
  tamperToken,
} from '@amtsbote/testing';
import { DEMO, http, seedDemo, walkCitizen } from '../journeys/journey';
import { startSystem, type System, type SystemService } from '../journeys/system';
import {
  BROKEN_TOKENS,
  type Caller,
  CLIENTS,
  CORPUS,
  type CorpusEntry,
  ENDPOINTS,
  type HostileAnswer,
  type HostileFixture,
  type IdName,
  LOGGED_NEVER,
  MAY_SEE_ANNA,
  rawMultipart,
  USERS,
} from './corpus';

const SECRETS = {
  intake: 'hostile-intake-download-url-secret-0123456789',
  accounts: 'hostile-accounts-file-url-secret-0123456789ab',
  routing: 'hostile-routing-file-url-secret-0123456789abc',
};
/** A Leistung for the upload entries: many attachments allowed, so they never run into the count limit. */
const UPLOAD_LEIKA = '99058012261099';
const ANNA_FILE = 'anna-meldebescheinigung-7f3a.pdf';
const ANNA_REPLY = 'Anbei die Vollmacht, Anna (Vorgang 7f3a)';

interface Problem {
  type?: unknown;
  title?: unknown;
  status?: unknown;
  code?: unknown;
  titles?: { de?: unknown; en?: unknown };
  details?: { de?: unknown; en?: unknown };
  errors?: Array<{ path?: unknown; code?: unknown; message?: { de?: unknown; en?: unknown } }>;
  correlationId?: unknown;
}

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' && v.trim().length > 0;
}

/** `{name}` in a path is the fixture's id of that name. */
function fillIds(path: string, ids: HostileFixture['ids']): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = ids[name as IdName];
    if (value === undefined) throw new Error(`the fixture has no id "${name}"`);
    return encodeURIComponent(value);
  });
}

function resolve<T>(v: T | ((f: HostileFixture) => T), f: HostileFixture): T {
  return typeof v === 'function' ? (v as (f: HostileFixture) => T)(f) : v;
}

function assertProblem(e: CorpusEntry, a: HostileAnswer): void {
  const where = `${a.status} ${a.text.slice(0, 300)}`;
  assert.match(
    a.headers.get('content-type') ?? '',
    /^application\/problem\+json/,
    `not problem+json: ${where}`,
  );
  const p = a.json as Problem;
  assert.equal(p.status, a.status, `problem.status differs from the HTTP status: ${where}`);
  assert.ok(nonEmpty(p.title), `no title: ${where}`);
  assert.match(String(p.type), /^https:\/\/amtsbote\.de\/problems\/[a-z0-9-]+$/, `no problem type: ${where}`);
  assert.ok(nonEmpty(p.code), `no code: ${where}`);
  assert.ok(nonEmpty(p.titles?.de) && nonEmpty(p.titles?.en), `titles not in German and English: ${where}`);
  if (p.details !== undefined) {
    assert.ok(
      nonEmpty(p.details.de) && nonEmpty(p.details.en),
      `details not in German and English: ${where}`,
    );
  }
  assert.equal(
    p.correlationId,
    a.headers.get('x-request-id'),
    `correlationId is not the X-Request-Id: ${where}`,
  );
  for (const err of p.errors ?? []) {
    // RFC 6901: '' is the whole document, anything else starts with '/'.
    assert.match(String(err.path), /^(\/|$)/, `field path is no JSON Pointer: ${where}`);
    assert.ok(nonEmpty(err.code), `field error without code: ${where}`);
    assert.ok(
      nonEmpty(err.message?.de) && nonEmpty(err.message?.en),
      `field message not bilingual: ${where}`,
    );
  }
  if (p.code === 'validation-failed')
    assert.ok((p.errors ?? []).length > 0, `validation without errors[]: ${where}`);
  if (e.code !== undefined) assert.equal(p.code, e.code, `problem code: ${where}`);
  const paths = (p.errors ?? []).map((err) => String(err.path));
  for (const expected of e.errorPaths ?? []) {
    assert.ok(
      paths.some((path) => path === expected || path.startsWith(`${expected}/`)),
      `errors[] does not name ${expected}: ${JSON.stringify(paths)}`,
    );
  }
}

/** Every line the services of this process log while the corpus runs. */
class LogSink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

describe('hostile input against intake, accounts, payment and routing', () => {
  let sys: System;
  const logs = new LogSink();
  const tokens = {} as Record<Caller, string>;
  let f: HostileFixture;
  /** What only anna (and who may see her data) may ever read. */
  let annaContent: string[] = [];
  let annaIds: string[] = [];
  let transactionState = '';

  before(async () => {
    // Minted first, so it has expired by the time the corpus runs.
    const expiring = mintToken(OIDC_ISSUER, 'anna', { ttlSeconds: 1 });
    // Everything the services log, down to every request, to look for what must never be logged.
    redirectLogs(logs);
    const info = { LOG_LEVEL: 'info' };
    sys = await startSystem({
      label: 'hostile_input',
      env: {
        intake: { ...info, INTAKE_DOWNLOAD_URL_SECRET: SECRETS.intake },
        accounts: { ...info, ACCOUNTS_FILE_URL_SECRET: SECRETS.accounts },
        payment: info,
        routing: { ...info, ROUTING_FILE_URL_SECRET: SECRETS.routing },
      },
    });
    const t = sys.targets;
    await seedDemo(t, () => undefined);
    const journey = await walkCitizen(t, () => undefined);

    for (const user of USERS) tokens[user] = await mintToken(t.issuer, user);
    const scopes = 'routing.pull routing.receipt routing.status routing.reply';
    tokens['fv-bremen-parken'] = await clientCredentialsToken(
      t.issuer,
      'fv-bremen-parken',
      'fv-bremen-parken-secret',
      scopes,
    );
    tokens['fv-other'] = await clientCredentialsToken(t.issuer, 'fv-other', 'fv-other-secret', scopes);
    tokens['fv-no-scope'] = await clientCredentialsToken(
      t.issuer,
      'fv-bremen-parken',
      'fv-bremen-parken-secret',
    );
    assert.deepEqual(
      [...USERS, ...CLIENTS].filter((c) => !tokens[c]),
      [],
    );

    const allRoles = ['catalog-admin', 'payment-admin', 'routing-admin', 'operator'];
    const anna = tokens.anna;
    const header = JSON.parse(Buffer.from(anna.split('.')[0], 'base64url').toString('utf8')) as {
      kid?: string;
    };
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    tokens.expired = await expiring;
    // Signed by a key nobody publishes, but claiming the provider's key id and everything worth having.
    tokens.forged = await forgeToken(
      { iss: t.issuer, sub: 'anna', acr: 'STORK-QAA-Level-4', roles: allRoles, tenant: 'hb', kind: 'person' },
      { kid: header.kid },
    );
    tokens.tampered = tamperToken(anna, { sub: 'ben', roles: allRoles, tenant: 'hb' });
    tokens.garbled = 'not-a-jwt';
    tokens['alg-none'] =
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: t.issuer, sub: 'anna', aud: 'amtsbote', exp: now + 600, roles: allRoles })}.`;
    tokens['other-issuer'] = await forgeToken({
      iss: 'https://idp.example.invalid',
      sub: 'anna',
      roles: allRoles,
    });
    // Signed with the IdP's own key, but issued an hour ahead, or valid until 9999.
    const annaClaims = JSON.parse(Buffer.from(anna.split('.')[1], 'base64url').toString('utf8')) as object;
    tokens['issued-in-future'] = await issuerSignedToken({ ...annaClaims, iat: now + 3600, exp: now + 3900 });
    tokens['valid-for-decades'] = await issuerSignedToken({
      ...annaClaims,
      iat: now,
      exp: Math.floor(Date.UTC(9999, 11, 31) / 1000),
    });
    assert.deepEqual(
      BROKEN_TOKENS.filter((c) => !tokens[c]),
      [],
    );

    // anna's live draft with a file, and a second draft (on a Leistung allowing many files) for the uploads.
    const catalogAdmin = tokens['hb-catalog-admin'];
    const leistung = await http<Record<string, unknown>>(
      'GET',
      `${t.intake}/admin/tenants/hb/leistungen/${DEMO.leikaKey}`,
      { token: catalogAdmin },
    );
    await http('PUT', `${t.intake}/admin/tenants/hb/leistungen/${UPLOAD_LEIKA}`, {
      token: catalogAdmin,
      json: {
        names: { de: 'Uploads (Test)', en: 'Uploads (test)' },
        fimSchema: leistung.body.fimSchema,
        minTrustLevel: 3,
        regions: [DEMO.region],
        attachments: {
          maxCount: 100,
          maxFileBytes: 5 * 1024 * 1024,
          maxTotalBytes: 500 * 1024 * 1024,
          mediaTypes: ['application/pdf'],
        },
        active: true,
      },
    });
    const draft = await http<{ draftId: string }>('POST', `${t.intake}/drafts`, {
      token: anna,
      json: { tenant: 'hb', leikaKey: DEMO.leikaKey, ars: DEMO.ars },
      expect: [201],
    });
    const uploadDraft = await http<{ draftId: string }>('POST', `${t.intake}/drafts`, {
      token: anna,
      json: { tenant: 'hb', leikaKey: UPLOAD_LEIKA, ars: DEMO.ars },
      expect: [201],
    });
    const file = rawMultipart([
      {
        name: 'file',
        filename: ANNA_FILE,
        type: 'application/pdf',
        content: minimalPdf('Meldebescheinigung'),
      },
    ]);
    const attachment = await http<{ attachmentId: string }>(
      'POST',
      `${t.intake}/drafts/${draft.body.draftId}/attachments`,
      { token: anna, headers: file.headers, body: file.body, expect: [201] },
    );

    // anna answers the Bescheid with a file: a sent upload, fetchable by routing through a signed URL.
    const message = await http<{ attachments: Array<{ id: string }> }>(
      'GET',
      `${t.accounts}/postkorb/messages/${journey.bescheid.messageId}`,
      { token: anna },
    );
    const upload = await http<{ id: string }>(
      'POST',
      `${t.accounts}/postkorb/uploads?filename=vollmacht.pdf`,
      {
        token: anna,
        headers: { 'content-type': 'application/pdf' },
        body: minimalPdf('Vollmacht'),
        expect: [201],
      },
    );
    await http('POST', `${t.accounts}/postkorb/messages/${journey.bescheid.messageId}/replies`, {
      token: anna,
      json: { text: ANNA_REPLY, attachmentIds: [upload.body.id] },
      expect: [201],
    });

    const fees = await http<Array<{ id: string }>>('GET', `${t.payment}/admin/tenants/hb/fees`, {
      token: tokens['hb-payment-admin'],
    });
    const routes = await http<Array<{ id: string }>>('GET', `${t.routing}/routes`, {
      token: tokens['hb-routing-admin'],
    });
    const tx = sys.paySim.transactions().find((x) => x.notifyUrl?.includes(journey.transactionId));
    const notifyToken = new URL(tx?.notifyUrl ?? 'http://x/').searchParams.get('token');
    assert.ok(notifyToken, "the provider got no notification URL with the transaction's token");

    const ids: Record<IdName, string> = {
      tenant: 'hb',
      leikaKey: DEMO.leikaKey,
      schemaId: 'S99000001',
      version: '1.0',
      submissionId: journey.submissionId,
      vorgangsnummer: journey.vorgangsnummer,
      draftId: draft.body.draftId,
      attachmentId: attachment.body.attachmentId,
      uploadDraftId: uploadDraft.body.draftId,
      transactionId: journey.transactionId,
      notifyToken,
      messageId: journey.bescheid.messageId,
      bescheidFileId: message.body.attachments[0]?.id ?? '',
      replyUploadId: upload.body.id,
      routingMessageId: journey.messageId,
      destinationId: DEMO.destinationId,
      routeId: routes.body[0]?.id ?? '',
      feeId: fees.body[0]?.id ?? '',
      environment: 'test',
      unknownId: '3f1c2a4e-8b7d-4e6f-9a01-2b3c4d5e6f70',
    };
    assert.deepEqual(
      Object.entries(ids).filter(([, v]) => !v),
      [],
    );
    // One scheme for every service's signed file URLs (@amtsbote/platform's UrlSigner), each its own secret.
    const signers = {
      intake: new UrlSigner(SECRETS.intake),
      accounts: new UrlSigner(SECRETS.accounts),
      routing: new UrlSigner(SECRETS.routing),
    };
    f = {
      ids,
      destinationSecret: sys.destinationSecret,
      signedPath(service, fileId, expiresAt = new Date(Date.now() + 600_000)) {
        return signers[service].sign('', fileId, 60, new Date(expiresAt.getTime() - 60_000)).url;
      },
    };
    annaContent = [
      journey.vorgangsnummer,
      'anna.beispiel@example.org',
      'HB-AB 123',
      'Anna Schmidt',
      'anna.schmidt@example.org',
      ANNA_FILE,
      ANNA_REPLY,
      journey.bescheid.subject,
    ];
    annaIds = [
      journey.submissionId,
      journey.transactionId,
      journey.messageId,
      journey.bescheid.messageId,
      ids.draftId,
      ids.attachmentId,
      ids.replyUploadId,
    ];
    const payment = await http<{ state: string }>(
      'GET',
      `${t.payment}/submissions/${journey.submissionId}/payment`,
      {
        token: anna,
      },
    );
    transactionState = payment.body.state;
    // The expired token must really be expired (one second of lifetime, one second of clock tolerance).
    const claims = JSON.parse(Buffer.from(tokens.expired.split('.')[1], 'base64url').toString('utf8')) as {
      exp: number;
    };
    const wait = claims.exp * 1000 + 2_100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  });

  after(async () => {
    await sys?.stop();
    redirectLogs(undefined);
  });

  it('the corpus covers every operation of the four OpenAPI documents', async () => {
    const documented: string[] = [];
    for (const service of ['intake', 'accounts', 'payment', 'routing'] as const) {
      const doc = await http<{ paths: Record<string, Record<string, unknown>> }>(
        'GET',
        `${sys.targets[service]}/docs/openapi.json`,
      );
      for (const [path, ops] of Object.entries(doc.body.paths)) {
        for (const method of Object.keys(ops)) documented.push(`${service} ${method.toUpperCase()} ${path}`);
      }
    }
    const listed = ENDPOINTS.map((e) => `${e.service} ${e.method} ${e.path}`);
    assert.deepEqual([...listed].sort(), [...documented].sort());
    const names = CORPUS.map((e) => `${e.service} ${e.name}`);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
      'corpus entry names are unique',
    );
  });

  for (const entry of CORPUS) {
    it(`${entry.service}: ${entry.name}`, async () => {
      const path = resolve(entry.path, f);
      const headers: Record<string, string> = { ...resolve(entry.headers ?? {}, f) };
      if (entry.as !== undefined) headers.authorization = `Bearer ${tokens[entry.as]}`;
      let body: string | Buffer | FormData | undefined;
      if (entry.json !== undefined) {
        const json = resolve(entry.json, f);
        body = typeof json === 'string' ? json : JSON.stringify(json);
        headers['content-type'] ??= 'application/json';
      } else if (entry.body !== undefined) {
        body = resolve(entry.body, f);
      }
      const res = await fetch(`${sys.targets[entry.service]}${fillIds(path, f.ids)}`, {
        method: entry.method,
        headers,
        body,
        redirect: 'manual',
        // A hang is a failure too.
        signal: AbortSignal.timeout(15_000),
      });
      const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
      let json: unknown;
      if (/json/.test(res.headers.get('content-type') ?? '') && text !== '') json = JSON.parse(text);
      const answer: HostileAnswer = { status: res.status, headers: res.headers, text, json };

      assert.ok(res.status < 500, `server error ${res.status}: ${text.slice(0, 500)}`);
      assert.ok(
        entry.expect.includes(res.status),
        `answered ${res.status}, expected ${entry.expect.join('/')}: ${text.slice(0, 500)}`,
      );
      if (res.status >= 400) assertProblem(entry, answer);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', 'no nosniff');
      assert.match(res.headers.get('cache-control') ?? '', /no-store/, 'cacheable');
      assert.doesNotMatch(text, /root:[^:]*:0:0:/, 'the answer contains /etc/passwd');
      assert.doesNotMatch(
        text,
        /node_modules|QueryFailedError|\bat \S+ \(\/\S+\.js:\d+/,
        'the answer shows internals',
      );
      const maySeeAnna =
        entry.seesAnna === true || (entry.as !== undefined && MAY_SEE_ANNA.includes(entry.as));
      if (!maySeeAnna) {
        for (const secret of annaContent) assert.ok(!text.includes(secret), `leaks anna's data: ${secret}`);
        if (res.status < 300)
          for (const id of annaIds) assert.ok(!text.includes(id), `leaks anna's id ${id}`);
      }
      entry.check?.(answer, f);
    });
  }

  it('afterwards every service still answers, and anna and the tenant are as they were', async () => {
    const t = sys.targets;
    for (const service of ['intake', 'accounts', 'payment', 'routing'] satisfies SystemService[]) {
      await http('GET', `${t[service]}/health/live`, { expect: [200] });
      await http('GET', `${t[service]}/health/ready`, { expect: [200] });
    }
    const anna = tokens.anna;
    const status = await http<{ status: string }>(
      'GET',
      `${t.intake}/submissions/${f.ids.submissionId}/status`,
      {
        token: anna,
      },
    );
    assert.equal(status.body.status, 'COMPLETED');
    const draft = await http<{ attachments: Array<{ attachmentId: string }> }>(
      'GET',
      `${t.intake}/drafts/${f.ids.draftId}`,
      { token: anna },
    );
    assert.deepEqual(
      draft.body.attachments.map((a) => a.attachmentId),
      [f.ids.attachmentId],
    );
    const payment = await http<{ state: string }>(
      'GET',
      `${t.payment}/submissions/${f.ids.submissionId}/payment`,
      {
        token: anna,
      },
    );
    assert.equal(payment.body.state, transactionState);
    const bescheid = await http(
      'GET',
      `${t.accounts}/postkorb/messages/${f.ids.messageId}/attachments/${f.ids.bescheidFileId}`,
      { token: anna },
    );
    assert.ok(bescheid.raw.subarray(0, 5).equals(Buffer.from('%PDF-')));
    const tenant = await http<{ name: string }>('GET', `${t.intake}/admin/tenants/hb`, {
      token: tokens['hb-catalog-admin'],
    });
    assert.equal(tenant.body.name, 'Stadtgemeinde Bremen');
    assert.equal((tenant.body as { ars?: string }).ars, DEMO.region, "the tenant's area is unchanged");
    const destination = await http<{ active: boolean }>(
      'GET',
      `${t.routing}/destinations/${DEMO.destinationId}`,
      {
        token: tokens['hb-routing-admin'],
      },
    );
    assert.equal(destination.body.active, true);
    const routes = await http<Array<{ id: string }>>('GET', `${t.routing}/routes`, {
      token: tokens['hb-routing-admin'],
    });
    assert.ok(
      routes.body.some((r) => r.id === f.ids.routeId),
      'the demo route is still there',
    );
    const schemas = await http<Array<{ schemaId: string }>>('GET', `${t.intake}/admin/fim-schemas`, {
      token: tokens['hb-catalog-admin'],
    });
    assert.deepEqual(
      schemas.body.map((s) => s.schemaId),
      ['S99000001'],
      'no hostile schema was stored',
    );
    // And the write path still works.
    await http('POST', `${t.intake}/drafts`, {
      token: tokens.clara,
      json: { tenant: 'hb', leikaKey: UPLOAD_LEIKA, ars: DEMO.ars },
      expect: [201],
    });
  });

  it('no service logged a form value, anything of anna’s or a database error context', () => {
    assert.ok(logs.text.length > 0, 'the services logged nothing at all: the log capture is broken');
    // Her form values, file name and texts; the Vorgangsnummer is an identifier that logs may name.
    const personal = annaContent.filter((s) => s !== f.ids.vorgangsnummer);
    for (const secret of [LOGGED_NEVER, ...personal]) {
      assert.ok(!logs.text.includes(secret), `a service logged ${JSON.stringify(secret)}`);
    }
    assert.doesNotMatch(logs.text, /JSON data, line \d+/, 'a database error context was logged');
  });

  it('request-logs what clients ask, but not the probes and scrapes operators run every few seconds', () => {
    assert.match(logs.text, /"url":"\/(drafts|submissions)/, 'ordinary requests are request-logged');
    // Readiness was polled at start and probed above; a probe answered 503 would be logged as an error.
    assert.doesNotMatch(logs.text, /"url":"\/(health|metrics)/, 'a probe or scrape was request-logged');
  });
});
