/**
 * Issue 17 in intake: lists stay within a mandate's Leistungen, anonymous drafts are bounded per client and
 * per Leistung (number and storage), the trust level applies to drafts and uploads, and a tenant's area is
 * changed by operators only — a Leistung outside it is not offered.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { mandateGrantedV1 } from '@amtsbote/contracts';
import { eventually, publishTestEvent } from '@amtsbote/testing';
import type { DraftDto } from '../src/drafts/drafts.dto';
import type { SubmissionAcceptedDto, SubmissionDto } from '../src/submissions/submissions.dto';
import { demoData } from './fixtures/demo-schema';
import {
  accountKey,
  type Answer,
  call,
  type IntakeUnderTest,
  LEIKA,
  pdfBytes,
  seedCatalog,
  startIntake,
  TENANT,
  upload,
} from './harness';

const OTHER_LEIKA = '99050012104005';
const ANON_LEIKA = '99050012104001';
const RAISED_LEIKA = '99050012104006';
const ORG = accountKey('musterbau');

const limits = {
  INTAKE_ANONYMOUS_DRAFTS_PER_CLIENT_PER_HOUR: '3',
  INTAKE_ANONYMOUS_DRAFTS_PER_LEISTUNG: '5',
  INTAKE_ANONYMOUS_STORAGE_BYTES_PER_LEISTUNG: '12000',
};

function expectProblem(a: Answer<unknown>, status: number, code: string): void {
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.match(a.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(a.body.code, code);
}

describe('intake hardening (issue 17)', () => {
  let intake: IntakeUnderTest;
  let base: string;
  /** Anonymous drafts created so far, with their access tokens. */
  const anonymous: DraftDto[] = [];

  const draft = (as: string | undefined, leikaKey: string, headers: Record<string, string> = {}) =>
    call<DraftDto>(base, 'POST', '/drafts', {
      as,
      headers,
      body: {
        tenant: TENANT,
        leikaKey,
        ars: '040110000000',
        data: { G60000000210: { F60000000211: leikaKey } },
      },
    });

  before(async () => {
    intake = await startIntake('hardening', limits);
    base = intake.url;
    await seedCatalog(base);
    await seedCatalog(base, {}, OTHER_LEIKA);
    await seedCatalog(base, {}, RAISED_LEIKA);
    await seedCatalog(base, { anonymousAllowed: true, minTrustLevel: 0 }, ANON_LEIKA);
  });

  after(async () => {
    await intake.close();
  });

  it('shows a representative only the Leistungen of the mandate in every list', async () => {
    for (const leika of [LEIKA, OTHER_LEIKA]) {
      assert.equal((await draft('musterbau', leika)).status, 201);
      const submitted = await call<SubmissionAcceptedDto>(base, 'POST', '/submissions', {
        as: 'musterbau',
        headers: { 'idempotency-key': randomUUID() },
        body: { tenant: TENANT, leikaKey: leika, ars: '040110000000', data: demoData() },
      });
      assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    }
    const grant = (representative: string, leikaKeys: string[] | null) =>
      publishTestEvent({
        id: randomUUID(),
        topicPrefix: intake.topicPrefix,
        contract: mandateGrantedV1,
        subject: ORG,
        data: {
          mandateId: randomUUID(),
          organisationKey: ORG,
          representativeKey: accountKey(representative),
          leikaKeys,
          validFrom: new Date(Date.now() - 60_000).toISOString(),
          validUntil: null,
        },
      });
    await grant('dora', [LEIKA]);
    await grant('clara', null);
    const asOrg = { 'x-act-for': ORG };
    const leikaKeysOf = (items: Array<{ leikaKey: string }>) => items.map((i) => i.leikaKey).sort();

    const doraDrafts = await eventually(
      async () => {
        const r = await call<DraftDto[]>(base, 'GET', '/drafts', { as: 'dora', headers: asOrg });
        return r.status === 200 ? r : undefined;
      },
      { what: 'the mandate to arrive' },
    );
    assert.deepEqual(leikaKeysOf(doraDrafts.body), [LEIKA], 'drafts of other Leistungen stay hidden');
    assert.ok(
      !JSON.stringify(doraDrafts.body).includes(OTHER_LEIKA),
      'nothing of the other Leistung’s form data shows',
    );
    const doraSubmissions = await call<SubmissionDto[]>(base, 'GET', '/submissions', {
      as: 'dora',
      headers: asOrg,
    });
    assert.deepEqual(leikaKeysOf(doraSubmissions.body), [LEIKA]);

    // An unscoped mandate and the organisation itself see everything; without X-Act-For one's own only.
    await eventually(async () => {
      const r = await call<DraftDto[]>(base, 'GET', '/drafts', { as: 'clara', headers: asOrg });
      return r.status === 200 ? r : undefined;
    });
    for (const [as, headers] of [
      ['clara', asOrg],
      ['musterbau', {}],
    ] as const) {
      const drafts = await call<DraftDto[]>(base, 'GET', '/drafts', { as, headers });
      assert.deepEqual(leikaKeysOf(drafts.body), [LEIKA, OTHER_LEIKA], as);
      const submissions = await call<SubmissionDto[]>(base, 'GET', '/submissions', { as, headers });
      assert.deepEqual(leikaKeysOf(submissions.body), [LEIKA, OTHER_LEIKA], as);
    }
    assert.deepEqual((await call<DraftDto[]>(base, 'GET', '/drafts', { as: 'dora' })).body, []);
    // No mandate at all: 404, as for anything else not visible.
    assert.equal((await call(base, 'GET', '/drafts', { as: 'ben', headers: asOrg })).status, 404);
  });

  it('bounds anonymous drafts per client with 429 and Retry-After, signed-in callers not', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let i = 0; i < 3; i++) {
      const created = await draft(undefined, ANON_LEIKA, from('198.51.100.1'));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      anonymous.push(created.body);
    }
    const refused = await draft(undefined, ANON_LEIKA, from('198.51.100.1'));
    expectProblem(refused, 429, 'too-many-requests');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assert.equal((await draft('anna', ANON_LEIKA, from('198.51.100.1'))).status, 201);
  });

  it('bounds the live anonymous drafts of a Leistung', async () => {
    // Three from the test above; two more from another client fill the Leistung's five.
    for (let i = 0; i < 2; i++)
      assert.equal((await draft(undefined, ANON_LEIKA, { 'x-forwarded-for': '198.51.100.2' })).status, 201);
    const full = await draft(undefined, ANON_LEIKA, { 'x-forwarded-for': '198.51.100.3' });
    expectProblem(full, 429, 'anonymous-quota-exceeded');
    assert.ok(Number(full.headers.get('retry-after')) >= 60);
  });

  it('bounds the storage of a Leistung’s anonymous drafts', async () => {
    // 12 000 bytes for the Leistung: two files of 5 000 in two drafts fit, a third does not.
    const put = (i: number) =>
      upload(base, anonymous[i].draftId, pdfBytes(5000), {
        headers: { 'x-draft-token': anonymous[i].accessToken! },
      });
    assert.equal((await put(0)).status, 201);
    assert.equal((await put(1)).status, 201);
    const over = await put(0);
    assert.equal(over.status, 429, JSON.stringify(over.body));
    assert.equal(over.body.code, 'anonymous-quota-exceeded');
    assert.ok(over.headers.get('retry-after'));
  });

  it('refuses drafts and uploads below the Leistung’s trust level', async () => {
    expectProblem(await draft('ben', LEIKA), 403, 'insufficient-trust-level');
    const annas = await draft('anna', RAISED_LEIKA);
    assert.equal(annas.status, 201);
    await seedCatalog(base, { minTrustLevel: 4 }, RAISED_LEIKA);
    expectProblem(
      await upload(base, annas.body.draftId, pdfBytes(), { as: 'anna' }),
      403,
      'insufficient-trust-level',
    );
    expectProblem(
      await call(base, 'PUT', `/drafts/${annas.body.draftId}`, { as: 'anna', body: { data: {} } }),
      403,
      'insufficient-trust-level',
    );
    assert.equal((await draft('clara', RAISED_LEIKA)).status, 201);
  });

  it('lets only operators change a tenant’s area, and offers no Leistung outside it', async () => {
    const tenant = (as: string, ars: string) =>
      call(base, 'PUT', `/admin/tenants/${TENANT}`, {
        as,
        body: { kind: 'LAND', name: 'Freie Hansestadt Bremen', ars },
      });
    expectProblem(await tenant('hb-catalog-admin', '05'), 403, 'tenant-ars-locked');
    assert.equal((await tenant('hb-catalog-admin', '04')).status, 200, 'the rest stays the admin’s');
    assert.ok((await call<unknown[]>(base, 'GET', `/tenants/${TENANT}/leistungen`)).body.length > 0);

    // An operator moves the tenant: its Leistungen for 04011 are no longer offered.
    assert.equal((await tenant('operator', '05')).status, 200);
    assert.deepEqual((await call<unknown[]>(base, 'GET', `/tenants/${TENANT}/leistungen`)).body, []);
    assert.equal((await call(base, 'GET', `/tenants/${TENANT}/leistungen/${LEIKA}/form`)).status, 404);
    assert.equal((await draft('anna', LEIKA)).status, 404);
    const submitted = await call(base, 'POST', '/submissions', {
      as: 'anna',
      headers: { 'idempotency-key': randomUUID() },
      body: { tenant: TENANT, leikaKey: LEIKA, ars: '040110000000', data: demoData() },
    });
    assert.equal(submitted.status, 404);

    assert.equal((await tenant('operator', '04')).status, 200);
    assert.equal((await draft('anna', LEIKA)).status, 201);
  });
});
