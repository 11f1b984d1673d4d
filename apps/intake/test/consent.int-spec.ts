import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type EventContract,
  type EventPayload,
  paymentNotRequiredV1,
  routingStatusV1,
  submissionReadyV1,
  TOPICS,
} from '@amtsbote/contracts';
import { DEV_USERS, EventRecorder, eventually, publishTestEvent } from '@amtsbote/testing';
import type { DraftDto } from '../src/drafts/drafts.dto';
import { MaintenanceService } from '../src/maintenance/maintenance.service';
import type { SubmissionAcceptedDto } from '../src/submissions/submissions.dto';
import { demoData } from './fixtures/demo-schema';
import { call, type IntakeUnderTest, LEIKA, seedCatalog, startIntake, TENANT } from './harness';

/** Issue 19: the consent to a digital Bescheid and the BundID references, stored and handed to routing. */
describe('intake: consent to a digital Bescheid and BundID/DeutschlandID references', () => {
  let intake: IntakeUnderTest;
  let base: string;
  let recorder: EventRecorder;

  before(async () => {
    intake = await startIntake('consent', { INTAKE_PURGE_AFTER_DAYS: '1' });
    base = intake.url;
    recorder = await EventRecorder.start(intake.topicPrefix, [TOPICS.submission]);
    await seedCatalog(base);
  });

  after(async () => {
    await recorder.stop();
    await intake.close();
  });

  const submit = (as: string, extra: Record<string, unknown>) =>
    call<SubmissionAcceptedDto>(base, 'POST', '/submissions', {
      as,
      headers: { 'idempotency-key': randomUUID() },
      body: { tenant: TENANT, leikaKey: LEIKA, ars: '040110000000', data: demoData(), ...extra },
    });

  async function stored(id: string) {
    const rows = await intake.sql.query(
      `SELECT digital_bescheid_consent, id_bund_de FROM intake.submissions WHERE id = $1`,
      [id],
    );
    return rows[0] as { digital_bescheid_consent: boolean | null; id_bund_de: unknown };
  }

  const publish = <C extends EventContract>(contract: C, subject: string, data: EventPayload<C>) =>
    publishTestEvent({
      id: randomUUID(),
      topicPrefix: intake.topicPrefix,
      contract,
      subject,
      data,
      tenant: TENANT,
    });

  /** Frees the submission of fees, so intake hands it over with `submission.ready`. */
  async function readyEvent(id: string) {
    await publish(paymentNotRequiredV1, id, { submissionId: id, tenant: TENANT });
    return eventually(async () => recorder.ofType(submissionReadyV1, id)[0], { what: `ready ${id}` });
  }

  it('a BundID citizen who consents: stored with her mailbox and application id, all in submission.ready', async () => {
    const res = await submit('erika', { digitalBescheidConsent: true });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.submissionId;
    const references = {
      mailboxUuid: DEV_USERS.erika.idBundDe.mailboxUuid,
      applicationId: DEV_USERS.erika.idBundDe.applicationId,
    };
    assert.deepEqual(await stored(id), { digital_bescheid_consent: true, id_bund_de: references });
    const ready = await readyEvent(id);
    assert.equal(ready.data.digitalBescheidConsent, true);
    assert.deepEqual(ready.data.idBundDe, references);

    // Received by the Fachverfahren, then past the retention: the references go with the form data.
    await publish(routingStatusV1, id, {
      submissionId: id,
      vorgangsnummer: res.body.vorgangsnummer,
      tenant: TENANT,
      messageId: randomUUID(),
      authority: { destinationId: 'hb-bewohnerparken', name: 'Amt', identity: 'psw:01234567' },
      status: 'RECEIVED',
      at: new Date().toISOString(),
    });
    await eventually(async () => {
      const rows = await intake.sql.query(`SELECT status FROM intake.submissions WHERE id = $1`, [id]);
      return rows[0].status === 'RECEIVED' || undefined;
    });
    await intake.svc.app.get(MaintenanceService).runOnce(new Date(Date.now() + 2 * 24 * 3600_000));
    assert.deepEqual(await stored(id), { digital_bescheid_consent: true, id_bund_de: null });
  });

  it('a refusal is an explicit false; without BundID claims there are no references', async () => {
    const res = await submit('anna', { digitalBescheidConsent: false });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.submissionId;
    assert.deepEqual(await stored(id), { digital_bescheid_consent: false, id_bund_de: null });
    const ready = await readyEvent(id);
    assert.equal(ready.data.digitalBescheidConsent, false);
    assert.equal('idBundDe' in ready.data, false);
  });

  it('not asked: nothing stored, nothing in the event', async () => {
    const res = await submit('anna', {});
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = res.body.submissionId;
    assert.deepEqual(await stored(id), { digital_bescheid_consent: null, id_bund_de: null });
    const ready = await readyEvent(id);
    assert.equal('digitalBescheidConsent' in ready.data, false);
  });

  it('refuses anything but true or false with problem+json naming the field, in German and English', async () => {
    const before = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.submissions`);
    for (const value of ['ja', 'true', 1, null, { yes: true }]) {
      const res = await submit('erika', { digitalBescheidConsent: value });
      assert.equal(res.status, 400, `${JSON.stringify(value)}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const errors = res.body.errors.filter((e) => e.path === '/digitalBescheidConsent');
      assert.equal(errors.length, 1, JSON.stringify(res.body.errors));
      assert.match(errors[0].message.de, /digitalBescheidConsent muss wahr oder falsch sein/);
      assert.match(errors[0].message.en, /digitalBescheidConsent must be a boolean/);
    }
    const afterwards = await intake.sql.query(`SELECT count(*)::int AS n FROM intake.submissions`);
    assert.deepEqual(afterwards, before, 'nothing stored for a refused request');
  });

  it('a draft keeps the answer like the region, and refuses a non-boolean the same way', async () => {
    const created = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'erika',
      body: { tenant: TENANT, leikaKey: LEIKA, digitalBescheidConsent: false },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.digitalBescheidConsent, false);
    const path = `/drafts/${created.body.draftId}`;
    const put = (body: Record<string, unknown>) =>
      call<DraftDto>(base, 'PUT', path, { as: 'erika', body: { data: {}, ...body } });
    assert.equal((await put({ digitalBescheidConsent: true })).body.digitalBescheidConsent, true);
    assert.equal((await put({})).body.digitalBescheidConsent, true, 'left out: the stored answer stays');
    const bad = await put({ digitalBescheidConsent: 'nein' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e) => e.path),
      ['/digitalBescheidConsent'],
    );
    const read = await call<DraftDto>(base, 'GET', path, { as: 'erika' });
    assert.equal(read.body.digitalBescheidConsent, true);
    const fresh = await call<DraftDto>(base, 'POST', '/drafts', {
      as: 'anna',
      body: { tenant: TENANT, leikaKey: LEIKA },
    });
    assert.equal(fresh.body.digitalBescheidConsent, null, 'not asked yet');
  });
});
