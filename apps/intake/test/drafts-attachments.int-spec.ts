import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountDeletedV1 } from '@amtsbote/contracts';
import { UrlSigner } from '@amtsbote/platform';
import { eventually, publishTestEvent } from '@amtsbote/testing';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import { demoData } from './fixtures/demo-schema';
import type { DraftDto } from '../src/drafts/drafts.dto';
import {
  accountKey,
  call,
  DOWNLOAD_SECRET,
  type ProblemBody,
  type IntakeUnderTest,
  LEIKA,
  pdfBytes,
  seedCatalog,
  startIntake,
  TENANT,
  token,
  upload,
} from './harness';

const ANON_LEIKA = '99050012104001';
const SHORT_LEIKA = '99050012104002';

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (sub.isDirectory()) for (const f of readdirSync(path.join(dir, sub.name))) out.push(f);
  }
  return out;
}

/**
 * Uploads `head` followed by filler as a chunked multipart body, slowly, and reports how much had been sent
 * when the answer arrived: a refusal must come long before the whole body is through.
 */
function slowUpload(
  base: string,
  draftId: string,
  bearer: string,
  head: Buffer,
  total: number,
): Promise<{ status: number; body: ProblemBody; sent: number; closedByServer: boolean }> {
  const boundary = `----amtsbote${randomBytes(8).toString('hex')}`;
  const url = new URL(`${base}/drafts/${draftId}/attachments`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      answered = true;
      const socket = res.socket;
      // The refusal ends the connection: the server reads nothing more of the body.
      const closed = new Promise<boolean>((done) => {
        if (socket.destroyed || socket.readableEnded) return done(true);
        const timer = setTimeout(() => done(false), 3000);
        socket.once('end', () => (clearTimeout(timer), done(true)));
        socket.once('close', () => (clearTimeout(timer), done(true)));
      });
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        void closed.then((closedByServer) => {
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as ProblemBody,
            sent,
            closedByServer,
          });
        });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="gross.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    req.write(head);
    sent += head.length;
    const filler = Buffer.alloc(16 * 1024, 0x20);
    const pump = (): void => {
      if (answered || req.destroyed) return;
      if (sent >= total) {
        req.end(`\r\n--${boundary}--\r\n`);
        return;
      }
      req.write(filler);
      sent += filler.length;
      setTimeout(pump, 4);
    };
    pump();
  });
}

describe('intake drafts and attachments', () => {
  let intake: IntakeUnderTest;
  let base: string;

  before(async () => {
    intake = await startIntake('drafts');
    base = intake.url;
    await seedCatalog(base);
    await seedCatalog(base, { anonymousAllowed: true, minTrustLevel: 0 }, ANON_LEIKA);
    await seedCatalog(base, { draftLifetimeSeconds: 1 }, SHORT_LEIKA);
  });

  after(async () => {
    await intake.close();
  });

  it('keeps a draft for its owner with lenient validation and hides it from everyone else', async () => {
    const created = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: {
        tenant: TENANT,
        leikaKey: LEIKA,
        ars: '059130000000',
        data: { G60000000210: { F60000000211: 'Schmidt', F60000000213: '12.04.1990' }, F60000000240: 99 },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const draftId = created.body.draftId;
    assert.equal(created.body.accessToken, undefined);
    // Missing required fields are not reported in a draft; wrong values are, with paths into the body.
    assert.deepEqual(created.body.fieldErrors.map((e) => [e.path, e.code]).sort(), [
      ['/ars', 'region-not-offered'],
      ['/data/F60000000240', 'maximum'],
      ['/data/G60000000210/F60000000213', 'format'],
    ]);
    assert.equal(
      created.body.fieldErrors.find((e) => e.path === '/data/F60000000240')?.elementId,
      'F60000000240',
    );

    const updated = await call<DraftDto>(base, 'PUT', `/drafts/${draftId}`, {
      as: 'anna',
      body: { data: demoData(), ars: '040110000000' },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body.fieldErrors, []);
    assert.ok(new Date(updated.body.expiresAt) >= new Date(created.body.expiresAt));

    const read = await call<DraftDto>(base, 'GET', `/drafts/${draftId}`, { as: 'anna' });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.data, demoData());
    const mine = await call<DraftDto[]>(base, 'GET', '/drafts', { as: 'anna' });
    assert.deepEqual(
      mine.body.map((d) => d.draftId),
      [draftId],
    );

    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { data: {} }],
      ['DELETE', undefined],
    ] as const) {
      const other = await call(base, method, `/drafts/${draftId}`, { as: 'ben', body });
      assert.equal(other.status, 404, `${method} by another citizen`);
      assert.equal(other.body.code, 'not-found');
    }
    assert.equal((await call(base, 'GET', `/drafts/${draftId}`)).status, 404);
    assert.deepEqual((await call(base, 'GET', '/drafts', { as: 'ben' })).body, []);
    assert.equal((await call(base, 'GET', `/drafts/not-a-uuid`, { as: 'anna' })).status, 404);

    assert.equal((await call(base, 'DELETE', `/drafts/${draftId}`, { as: 'anna' })).status, 204);
    assert.equal((await call(base, 'GET', `/drafts/${draftId}`, { as: 'anna' })).status, 404);
  });

  it('refuses drafts without login unless the Leistung allows anonymous submissions, then guards them by token', async () => {
    const refused = await call(base, 'POST', '/drafts', { body: { tenant: TENANT, leikaKey: LEIKA } });
    assert.equal(refused.status, 401);
    const anon = await call<DraftDto>(base, 'POST', '/drafts', {
      body: { tenant: TENANT, leikaKey: ANON_LEIKA },
    });
    assert.equal(anon.status, 201);
    const draftToken = anon.body.accessToken!;
    assert.ok(draftToken.length >= 40);
    const draftId = anon.body.draftId;
    assert.equal((await call(base, 'GET', `/drafts/${draftId}`)).status, 404);
    assert.equal(
      (await call(base, 'GET', `/drafts/${draftId}`, { headers: { 'x-draft-token': 'guess' } })).status,
      404,
    );
    assert.equal((await call(base, 'GET', `/drafts/${draftId}`, { as: 'anna' })).status, 404);
    assert.equal(
      (await call(base, 'GET', `/drafts/${draftId}`, { headers: { 'x-draft-token': draftToken } })).status,
      200,
    );
    const file = await upload(base, draftId, pdfBytes(), { headers: { 'x-draft-token': draftToken } });
    assert.equal(file.status, 201);
    assert.equal((await upload(base, draftId, pdfBytes())).status, 404);
  });

  it('streams an attachment in, records its SHA-512 and detected media type, and serves it only to the owner', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const draftId = draft.body.draftId;
    const content = pdfBytes(10_000);
    // The client's claim (image/png) is ignored: the bytes say PDF.
    const up = await upload(base, draftId, content, {
      as: 'anna',
      filename: '../../Meldebescheinigung.pdf',
      type: 'image/png',
    });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.mediaType, 'application/pdf');
    assert.equal(up.body.size, content.length);
    assert.equal(up.body.sha512, createHash('sha512').update(content).digest('hex'));
    assert.equal(up.body.filename, 'Meldebescheinigung.pdf');
    const id = up.body.attachmentId;

    const got = await fetch(`${base}/drafts/${draftId}/attachments/${id}/content`, {
      headers: { authorization: `Bearer ${await token('anna')}` },
    });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), content);
    assert.match(got.headers.get('content-disposition') ?? '', /Meldebescheinigung\.pdf/);

    const read = await call<DraftDto>(base, 'GET', `/drafts/${draftId}`, { as: 'anna' });
    assert.deepEqual(
      read.body.attachments.map((a) => a.attachmentId),
      [id],
    );

    assert.equal(
      (await call(base, 'GET', `/drafts/${draftId}/attachments/${id}/content`, { as: 'ben' })).status,
      404,
    );
    assert.equal(
      (await call(base, 'GET', `/drafts/${draftId}/attachments/${id}`, { as: 'ben' })).status,
      404,
    );
    assert.equal(
      (await call(base, 'DELETE', `/drafts/${draftId}/attachments/${id}`, { as: 'ben' })).status,
      404,
    );
    assert.equal((await upload(base, draftId, pdfBytes(), { as: 'ben' })).status, 404);

    assert.equal(
      (await call(base, 'DELETE', `/drafts/${draftId}/attachments/${id}`, { as: 'anna' })).status,
      204,
    );
    assert.equal(
      (await call(base, 'GET', `/drafts/${draftId}/attachments/${id}`, { as: 'anna' })).status,
      404,
    );
  });

  it('refuses an oversized file while it streams, and stores nothing of it', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const draftId = draft.body.draftId;
    const before = filesIn(intake.storageDir).length;
    const total = 8 * 1024 * 1024;
    const answer = await slowUpload(base, draftId, await token('anna'), pdfBytes(4096), total);
    assert.equal(answer.status, 413);
    assert.equal(answer.body.code, 'attachment-too-large');
    assert.equal(answer.body.limit, 64 * 1024);
    assert.ok(answer.sent < total / 4, `answered only after ${answer.sent} of ${total} bytes`);
    assert.ok(answer.closedByServer, 'the server closed the connection');

    // With a Content-Length the refusal comes before a byte of the file is read.
    const declared = await upload(base, draftId, pdfBytes(200 * 1024), { as: 'anna' });
    assert.equal(declared.status, 413);

    const rows = await intake.sql.query(
      `SELECT count(*)::int AS n FROM intake.attachments WHERE draft_id = $1`,
      [draftId],
    );
    assert.equal(rows[0].n, 0);
    assert.equal(filesIn(intake.storageDir).length, before);
  });

  it('refuses a file whose bytes are not of an allowed type, before reading it all', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const draftId = draft.body.draftId;
    const zip = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
      randomBytes(8000),
    ]);
    const answer = await slowUpload(base, draftId, await token('anna'), zip, 8 * 1024 * 1024);
    assert.equal(answer.status, 415);
    assert.equal(answer.body.code, 'attachment-media-type');
    assert.equal(answer.body.detectedMediaType, 'application/zip');
    assert.ok(answer.sent < 1024 * 1024);
    assert.ok(answer.closedByServer);

    const text = await upload(base, draftId, Buffer.from('nur Text, kein PDF\n'.repeat(10)), {
      as: 'anna',
      type: 'application/pdf',
    });
    assert.equal(text.status, 415);
    assert.equal(text.body.detectedMediaType, 'unknown');
    const empty = await upload(base, draftId, Buffer.alloc(0), { as: 'anna' });
    assert.equal(empty.status, 422);
    const rows = await intake.sql.query(
      `SELECT count(*)::int AS n FROM intake.attachments WHERE draft_id = $1`,
      [draftId],
    );
    assert.equal(rows[0].n, 0);
  });

  it('enforces the count and total limits of the Leistung', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const draftId = draft.body.draftId;
    // Limits of the seeded Leistung: 3 files, 64 KiB each, 100 KiB together.
    assert.equal((await upload(base, draftId, pdfBytes(40 * 1024), { as: 'anna' })).status, 201);
    assert.equal((await upload(base, draftId, pdfBytes(40 * 1024), { as: 'anna' })).status, 201);
    const third = await upload(base, draftId, pdfBytes(30 * 1024), { as: 'anna' });
    assert.equal(third.status, 413, 'only 20 KiB are left of the total');
    assert.equal(third.body.limit, 20 * 1024);
    assert.equal((await upload(base, draftId, pdfBytes(10 * 1024), { as: 'anna' })).status, 201);
    const fourth = await upload(base, draftId, pdfBytes(1024), { as: 'anna' });
    assert.equal(fourth.status, 422);
    assert.equal(fourth.body.errors[0].code, 'attachment-limit-count');
  });

  it('lets a draft expire after the Leistung’s lifetime; the sweep removes it and its files', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: SHORT_LEIKA },
    });
    const draftId = draft.body.draftId;
    const up = await upload(base, draftId, pdfBytes(), { as: 'anna' });
    assert.equal(up.status, 201);
    assert.ok(filesIn(intake.storageDir).includes(up.body.attachmentId));
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal((await call(base, 'GET', `/drafts/${draftId}`, { as: 'anna' })).status, 404);
    assert.equal((await upload(base, draftId, pdfBytes(), { as: 'anna' })).status, 404);

    const report = await intake.svc.app.get(MaintenanceService).runOnce();
    assert.ok(report.deletedDrafts >= 1);
    const rows = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.drafts WHERE id = $1`, [
      draftId,
    ]);
    assert.equal(rows[0].n, 0);
    assert.ok(!filesIn(intake.storageDir).includes(up.body.attachmentId));
  });

  it('ends the drafts of an account that was deleted', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'clara',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const up = await upload(base, draft.body.draftId, pdfBytes(), { as: 'clara' });
    assert.equal(up.status, 201);
    await publishTestEvent({
      id: randomUUID(),
      topicPrefix: intake.topicPrefix,
      contract: accountDeletedV1,
      subject: accountKey('clara'),
      data: { accountKey: accountKey('clara'), deletedAt: new Date().toISOString() },
    });
    await eventually(
      async () =>
        (await call(base, 'GET', `/drafts/${draft.body.draftId}`, { as: 'clara' })).status === 404
          ? true
          : undefined,
      { what: 'the draft to end' },
    );
    await intake.svc.app.get(MaintenanceService).runOnce();
    assert.ok(!filesIn(intake.storageDir).includes(up.body.attachmentId));
  });

  it('serves a file through a signed URL, and refuses an expired or forged one', async () => {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const content = pdfBytes(5000);
    const up = await upload(base, draft.body.draftId, content, { as: 'anna' });
    const id = up.body.attachmentId;
    const signer = new UrlSigner(DOWNLOAD_SECRET);

    const good = signer.sign(base, id, 60);
    const res = await fetch(good.url);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), content);
    assert.equal(
      res.headers.get('repr-digest'),
      `sha-512=:${createHash('sha512').update(content).digest('base64')}:`,
    );

    const expired = signer.sign(base, id, 60, new Date(Date.now() - 3600_000));
    const gone = await call(expired.url, 'GET', '');
    assert.equal(gone.status, 410);
    assert.equal(gone.body.code, 'link-expired');

    const forged = new UrlSigner('another-secret-of-sufficient-length-000').sign(base, id, 60);
    assert.equal((await call(forged.url, 'GET', '')).status, 403);
    const tampered = new URL(good.url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 86400));
    assert.equal((await call(tampered.toString(), 'GET', '')).status, 403);
    assert.equal((await call(base, 'GET', `/files/${id}`)).status, 403);
  });
});
