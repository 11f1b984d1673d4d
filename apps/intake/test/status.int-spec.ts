import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type EventContract,
  type EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentNotRequiredV1,
  paymentRequestedV1,
  paymentSettledV1,
  routingDeliveredV1,
  routingFailedV1,
  routingRoutedV1,
  routingStatusV1,
  submissionReadyV1,
  submissionSubmittedV1,
  TOPICS,
} from '@amtsbote/contracts';
import { EventRecorder, eventually, publishTestEvent } from '@amtsbote/testing';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import type { DraftDto } from '../src/drafts/drafts.dto';
import type { SubmissionAcceptedDto, SubmissionDto } from '../src/submissions/submissions.dto';
import { demoData } from './fixtures/demo-schema';
import {
  call,
  type IntakeUnderTest,
  LEIKA,
  pdfBytes,
  seedCatalog,
  startIntake,
  TENANT,
  upload,
} from './harness';

const authority = {
  destinationId: 'hb-bewohnerparken',
  name: 'Amt für Straßen und Verkehr',
  identity: 'psw:01234567',
};

describe('intake status: payment and routing events, submission.ready, purge', () => {
  let intake: IntakeUnderTest;
  let base: string;
  let recorder: EventRecorder;

  before(async () => {
    intake = await startIntake('status', { INTAKE_PURGE_AFTER_DAYS: '1' });
    base = intake.url;
    recorder = await EventRecorder.start(intake.topicPrefix, [TOPICS.submission]);
    await seedCatalog(base);
  });

  after(async () => {
    await recorder.stop();
    await intake.close();
  });

  async function submitWithAttachment(): Promise<{
    id: string;
    vorgangsnummer: string;
    file: Buffer;
    attachmentId: string;
  }> {
    const draft = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    const file = pdfBytes(6000);
    const up = await upload(base, draft.body.draftId, file, {
      as: 'anna',
      filename: 'meldebescheinigung.pdf',
    });
    assert.equal(up.status, 201);
    const res = await call<SubmissionAcceptedDto>(base, 'POST', '/submissions', {
      as: 'anna',
      headers: { 'idempotency-key': randomUUID() },
      body: {
        tenant: TENANT,
        leikaKey: LEIKA,
        ars: '040110000000',
        draftId: draft.body.draftId,
        data: demoData({ F60000000241: [{ attachmentId: up.body.attachmentId }] }),
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return {
      id: res.body.submissionId,
      vorgangsnummer: res.body.vorgangsnummer,
      file,
      attachmentId: up.body.attachmentId,
    };
  }

  async function publish<C extends EventContract>(
    contract: C,
    subject: string,
    data: EventPayload<C>,
    id = randomUUID(),
  ) {
    await publishTestEvent({ id, topicPrefix: intake.topicPrefix, contract, subject, data, tenant: TENANT });
  }

  async function statusOf(id: string): Promise<SubmissionDto> {
    const res = await call<SubmissionDto>(base, 'GET', `/submissions/${id}/status`, { as: 'anna' });
    assert.equal(res.status, 200);
    return res.body;
  }

  async function reaches(id: string, status: string): Promise<SubmissionDto> {
    return eventually(
      async () => {
        const s = await statusOf(id);
        return s.status === status ? s : undefined;
      },
      { what: `${id} to reach ${status}` },
    );
  }

  it('walks a free submission through READY, routing and the Fachverfahren’s status to COMPLETED', async () => {
    const s = await submitWithAttachment();
    const ref = { submissionId: s.id, vorgangsnummer: s.vorgangsnummer, tenant: TENANT };
    await publish(paymentNotRequiredV1, s.id, { submissionId: s.id, tenant: TENANT });
    await reaches(s.id, 'READY');

    const ready = await eventually(async () => recorder.ofType(submissionReadyV1, s.id)[0], {
      what: 'submission.ready',
    });
    assert.deepEqual(ready.data.fimSchema, { id: 'S60000000200', version: '1.0.0' });
    assert.equal(ready.data.payment, undefined);
    assert.equal(ready.data.ars, '040110000000');
    assert.deepEqual(ready.data.data.G60000000210, demoData().G60000000210);
    assert.equal(ready.data.attachments.length, 1);
    const file = ready.data.attachments[0];
    assert.equal(file.fileId, s.attachmentId);
    assert.equal(file.sha512, createHash('sha512').update(s.file).digest('hex'));
    assert.equal(file.filename, 'meldebescheinigung.pdf');
    // Routing fetches the file once through the signed URL, without a token.
    const fetched = await fetch(file.url);
    assert.equal(fetched.status, 200);
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), s.file);
    assert.ok(new Date(file.urlExpiresAt) > new Date());

    const messageId = randomUUID();
    await publish(routingRoutedV1, s.id, {
      ...ref,
      messageId,
      authority,
      format: 'xdomea-3.0',
      channel: 'http-push',
    });
    await reaches(s.id, 'ROUTED');
    await publish(routingDeliveredV1, s.id, {
      ...ref,
      messageId,
      authority,
      deliveredAt: new Date().toISOString(),
    });
    await reaches(s.id, 'DELIVERED');
    const statusEvent = randomUUID();
    await publish(
      routingStatusV1,
      s.id,
      { ...ref, messageId, authority, status: 'RECEIVED', at: new Date().toISOString() },
      statusEvent,
    );
    await reaches(s.id, 'RECEIVED');
    await publish(routingStatusV1, s.id, {
      ...ref,
      messageId,
      authority,
      status: 'ACTION_REQUIRED',
      message: 'Bitte reichen Sie die Zulassungsbescheinigung nach.',
      at: new Date().toISOString(),
    });
    const action = await reaches(s.id, 'ACTION_REQUIRED');
    assert.equal(action.timeline.at(-1)?.reason?.de, 'Bitte reichen Sie die Zulassungsbescheinigung nach.');
    await publish(routingStatusV1, s.id, {
      ...ref,
      messageId,
      authority,
      status: 'COMPLETED',
      at: new Date().toISOString(),
    });
    await reaches(s.id, 'COMPLETED');

    // A redelivered event and events that arrive too late change nothing (they are handled, and ignored).
    await publish(
      routingStatusV1,
      s.id,
      { ...ref, messageId, authority, status: 'RECEIVED', at: new Date().toISOString() },
      statusEvent,
    );
    const late = [randomUUID(), randomUUID()];
    await publish(
      routingRoutedV1,
      s.id,
      { ...ref, messageId, authority, format: 'xdomea-3.0', channel: 'http-push' },
      late[0],
    );
    await publish(paymentNotRequiredV1, s.id, { submissionId: s.id, tenant: TENANT }, late[1]);
    await eventually(
      async () => {
        const rows = await intake.sql.query(
          `SELECT count(*)::int AS n FROM intake.inbox WHERE event_id = ANY($1)`,
          [late],
        );
        return rows[0].n === 2 ? true : undefined;
      },
      { what: 'the late events to be handled' },
    );
    const final = await statusOf(s.id);
    assert.deepEqual(
      final.timeline.map((t: { status: string }) => t.status),
      ['SUBMITTED', 'READY', 'ROUTED', 'DELIVERED', 'RECEIVED', 'ACTION_REQUIRED', 'COMPLETED'],
    );
    assert.deepEqual(
      final.timeline.map((t: { previousStatus: string | null }) => t.previousStatus),
      [null, 'SUBMITTED', 'READY', 'ROUTED', 'DELIVERED', 'RECEIVED', 'ACTION_REQUIRED'],
    );
    // intake tells its own steps (submitted, ready), each once; payment's and routing's it does not echo.
    const told = recorder.events
      .filter((e) => e.subject === s.id && e.type.startsWith('de.amtsbote.submission.'))
      .map((e) => e.type);
    assert.deepEqual(told, [submissionSubmittedV1.type, submissionReadyV1.type]);
  });

  it('waits for payment, then hands over with the payment information', async () => {
    const s = await submitWithAttachment();
    const tx = { submissionId: s.id, tenant: TENANT, transactionId: randomUUID() };
    await publish(paymentRequestedV1, s.id, {
      ...tx,
      amountCents: 3000,
      currency: 'EUR',
      purpose: 'Bewohnerparkausweis',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    await reaches(s.id, 'AWAITING_PAYMENT');
    assert.equal(recorder.ofType(submissionReadyV1, s.id).length, 0);
    const paymentInformation = {
      transactionReference: 'HB-2026-BWP-1',
      transactionId: tx.transactionId,
      paymentMethod: 'CREDITCARD' as const,
      status: 'BOOKED' as const,
      grossAmount: 30,
    };
    await publish(paymentSettledV1, s.id, {
      ...tx,
      amountCents: 3000,
      provider: 'simulator',
      paidAt: new Date().toISOString(),
      paymentInformation,
    });
    await reaches(s.id, 'READY');
    const ready = await eventually(async () => recorder.ofType(submissionReadyV1, s.id)[0]);
    assert.deepEqual(ready.data.payment, paymentInformation);
  });

  it('ends in CANCELLED, EXPIRED or FAILED with a reason the citizen can read', async () => {
    const cancelled = await submitWithAttachment();
    await publish(paymentFailedV1, cancelled.id, {
      submissionId: cancelled.id,
      tenant: TENANT,
      transactionId: randomUUID(),
      outcome: 'CANCELED',
    });
    const c = await reaches(cancelled.id, 'CANCELLED');
    assert.equal(c.timeline.at(-1)?.reason?.code, 'PAYMENT_CANCELLED');

    const expired = await submitWithAttachment();
    await publish(paymentExpiredV1, expired.id, {
      submissionId: expired.id,
      tenant: TENANT,
      transactionId: randomUUID(),
    });
    await reaches(expired.id, 'EXPIRED');

    const failed = await submitWithAttachment();
    await publish(paymentNotRequiredV1, failed.id, { submissionId: failed.id, tenant: TENANT });
    await reaches(failed.id, 'READY');
    await publish(routingFailedV1, failed.id, {
      submissionId: failed.id,
      vorgangsnummer: failed.vorgangsnummer,
      tenant: TENANT,
      code: 'NO_AUTHORITY',
      reason: {
        de: 'Für Ihren Wohnort ist keine Behörde angebunden.',
        en: 'No authority is connected for your place.',
      },
      at: new Date().toISOString(),
    });
    const f = await reaches(failed.id, 'FAILED');
    assert.deepEqual(f.timeline.at(-1)?.reason, {
      code: 'NO_AUTHORITY',
      de: 'Für Ihren Wohnort ist keine Behörde angebunden.',
      en: 'No authority is connected for your place.',
    });
  });

  it('purges form data and files after the retention, keeping metadata, timeline and the receipt hash', async () => {
    const received = await submitWithAttachment();
    const pending = await submitWithAttachment();
    const ref = { submissionId: received.id, vorgangsnummer: received.vorgangsnummer, tenant: TENANT };
    await publish(paymentNotRequiredV1, received.id, { submissionId: received.id, tenant: TENANT });
    await reaches(received.id, 'READY');
    const ready = await eventually(async () => recorder.ofType(submissionReadyV1, received.id)[0]);
    await publish(routingStatusV1, received.id, {
      ...ref,
      messageId: randomUUID(),
      authority,
      status: 'RECEIVED',
      at: new Date().toISOString(),
    });
    const before = await reaches(received.id, 'RECEIVED');
    const maintenance = intake.svc.app.get(MaintenanceService);
    const filePath = (id: string) => path.join(intake.storageDir, id.slice(0, 2), id);
    assert.ok(existsSync(filePath(received.attachmentId)));

    // Within the retention (1 day) nothing happens.
    await maintenance.runOnce(new Date());
    let rows = await intake.sql.query(`SELECT data, purged_at FROM intake.submissions WHERE id = $1`, [
      received.id,
    ]);
    assert.notEqual(rows[0].data, null);

    const report = await maintenance.runOnce(new Date(Date.now() + 2 * 24 * 3600_000));
    assert.ok(report.purgedSubmissions >= 1);
    // Idempotency-Keys are kept 48 hours: two days later they are gone too.
    assert.ok(report.deletedIdempotencyKeys >= 2);
    const keys = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.idempotency_keys`);
    assert.equal(keys[0].n, 0);
    rows = await intake.sql.query(
      `SELECT data, purged_at, data_sha512, receipt FROM intake.submissions WHERE id = $1`,
      [received.id],
    );
    assert.equal(rows[0].data, null);
    assert.ok(rows[0].purged_at);
    assert.equal(rows[0].receipt.dataSha512, before.receipt.dataSha512);
    assert.equal(rows[0].data_sha512, before.receipt.dataSha512);
    assert.ok(!existsSync(filePath(received.attachmentId)));
    const files = await intake.sql.query(
      `SELECT filename, sha512, size, purged_at FROM intake.attachments WHERE id = $1`,
      [received.attachmentId],
    );
    assert.equal(files[0].filename, null);
    assert.equal(files[0].sha512, createHash('sha512').update(received.file).digest('hex'));
    assert.ok(files[0].purged_at);

    const after = await statusOf(received.id);
    assert.equal(after.purged, true);
    assert.deepEqual(after.receipt, before.receipt);
    assert.deepEqual(after.timeline, before.timeline);
    assert.equal((await fetch(ready.data.attachments[0].url)).status, 404);

    // Not yet received by a Fachverfahren: kept, however old.
    const kept = await intake.sql.query(
      `SELECT data IS NOT NULL AS has FROM intake.submissions WHERE id = $1`,
      [pending.id],
    );
    assert.equal(kept[0].has, true);
    assert.ok(existsSync(filePath(pending.attachmentId)));
  });
});
