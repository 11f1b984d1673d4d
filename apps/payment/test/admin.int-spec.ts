import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { paymentNotRequiredV1, paymentRequestedV1 } from '@amtsbote/contracts';
import { eventually, mintToken, OIDC_ISSUER } from '@amtsbote/testing';
import {
  call,
  expectProblem,
  keyOf,
  LEIKA_FREI,
  LEIKA_PARKEN,
  type PaymentUnderTest,
  startPayment,
  submit,
} from './harness';

describe('payment admin: fee schedules, provider configs, audit log', () => {
  let stack: PaymentUnderTest;
  let admin: string;
  let catalogAdmin: string;
  let citizen: string;
  const fees = () => `${stack.svc.url}/admin/tenants/hb/fees`;

  before(async () => {
    stack = await startPayment('payment_admin', { PAYMENT_SECRET_HB_CLIENT_SECRET: 'do-not-echo-me' });
    admin = await mintToken(OIDC_ISSUER, 'hb-payment-admin');
    catalogAdmin = await mintToken(OIDC_ISSUER, 'hb-catalog-admin');
    citizen = await mintToken(OIDC_ISSUER, 'anna');
  });

  after(async () => {
    await stack?.close();
  });

  it('a tenant admin manages only their own tenant, and only with the payment-admin role', async () => {
    const fee = { leikaKey: LEIKA_PARKEN, amountCents: 1000, purpose: 'Parken' };
    expectProblem(
      await call(`${stack.svc.url}/admin/tenants/nw/fees`, { token: admin, body: fee }),
      403,
      'forbidden',
    );
    expectProblem(await call(`${stack.svc.url}/admin/tenants/nw/fees`, { token: admin }), 403, 'forbidden');
    expectProblem(await call(fees(), { token: catalogAdmin, body: fee }), 403, 'forbidden');
    expectProblem(await call(fees(), { token: citizen }), 403, 'forbidden');
    expectProblem(await call(fees()), 401, 'unauthorized');
    const list = await call<unknown[]>(fees(), { token: admin });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [], 'nothing was created by the refused calls');
  });

  it('sanitises purpose, description and booking data to the XBezahldienste limits and says so', async () => {
    const created = await call(fees(), {
      token: admin,
      body: {
        leikaKey: LEIKA_PARKEN,
        amountCents: 3000,
        purpose: 'Gebühr für Bewohnerparkausweis (Zone 3)',
        description: `Bewohnerparkausweis <script>alert(1)</script> ${'x'.repeat(300)}`,
        bookingData: { 'Haushalts/stelle': '1.1100.1000', objekt: 'Zone 3 – Östliche Vorstadt' },
        arsPrefix: '04011',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const fee = created.body as {
      id: string;
      purpose: string;
      description: string;
      bookingData: Record<string, string>;
      sanitizedFields: string[];
      amountCents: number;
    };
    assert.equal(fee.purpose, 'Gebuehr fuer Bewohnerparkau');
    assert.ok(fee.purpose.length <= 27 && /^[\w\s-]+$/.test(fee.purpose));
    assert.ok([...fee.description].length <= 250);
    assert.doesNotMatch(fee.description, /[<>()]/);
    assert.deepEqual(fee.bookingData, { Haushaltsstelle: '1.1100.1000', objekt: 'Zone 3 Östliche Vorstadt' });
    assert.deepEqual(fee.sanitizedFields.sort(), ['bookingData', 'description', 'purpose']);
    assert.equal(fee.amountCents, 3000);

    // Money is integer cents: no floats, no zero, no negative amounts.
    for (const amountCents of [12.5, 0, -100, '1000']) {
      const bad = await call(fees(), {
        token: admin,
        body: { leikaKey: LEIKA_PARKEN, amountCents, purpose: 'x' },
      });
      expectProblem(bad, 400, 'validation-failed');
    }
    expectProblem(
      await call(fees(), {
        token: admin,
        body: { leikaKey: LEIKA_PARKEN, amountCents: 100, purpose: '€€€' },
      }),
      422,
      'invalid-fee',
    );
    expectProblem(
      await call(fees(), {
        token: admin,
        body: { leikaKey: '12345', amountCents: 100, purpose: 'x', arsPrefix: '0401' },
      }),
      400,
      'validation-failed',
    );
  });

  it('finds the fee by tenant, Leistung and region: the most specific ARS prefix wins', async () => {
    const add = async (body: Record<string, unknown>) => {
      const r = await call(fees(), {
        token: admin,
        body: { leikaKey: LEIKA_PARKEN, purpose: 'Parken', ...body },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string };
    };
    await add({ amountCents: 1000 }); // the whole tenant
    const land = await add({ amountCents: 2000, arsPrefix: '04' });
    // 04011 (3000) exists from the sanitising test.
    expectProblem(
      await call(fees(), {
        token: admin,
        body: { leikaKey: LEIKA_PARKEN, amountCents: 1, purpose: 'x', arsPrefix: '04' },
      }),
      409,
      'fee-exists',
    );

    const lookup = async (ars: string, leikaKey = LEIKA_PARKEN) =>
      call<{ amountCents: number }>(`${fees()}/lookup?leikaKey=${leikaKey}&ars=${ars}`, { token: admin });
    assert.equal((await lookup('040110000000')).body.amountCents, 3000);
    assert.equal((await lookup('040120000000')).body.amountCents, 2000);
    assert.equal((await lookup('050000000000')).body.amountCents, 1000);
    expectProblem(await lookup('040110000000', LEIKA_FREI), 404, 'not-found');

    // The same through the event path, as intake's submissions arrive.
    const bremen = await submit(stack, { ars: '040110000000' });
    const bremerhaven = await submit(stack, { ars: '040120000000' });
    const elsewhere = await submit(stack, { ars: '050000000000' });
    const free = await submit(stack, { leikaKey: LEIKA_FREI });
    const otherTenant = await submit(stack, { tenant: 'nw', ars: '050000000000' });
    const requested = async (submissionId: string) =>
      eventually(async () => stack.recorder.ofType(paymentRequestedV1, submissionId)[0], {
        what: `payment.requested for ${submissionId}`,
      });
    assert.equal((await requested(bremen.submissionId)).data.amountCents, 3000);
    // A fee but no provider yet: the citizen is told payment is not set up.
    expectProblem(
      await call(`${stack.svc.url}/submissions/${bremen.submissionId}/payment`, { token: citizen, body: {} }),
      503,
      'payment-provider-not-configured',
    );
    assert.equal((await requested(bremerhaven.submissionId)).data.amountCents, 2000);
    const e = await requested(elsewhere.submissionId);
    assert.equal(e.data.amountCents, 1000);
    assert.equal(e.data.currency, 'EUR');
    assert.equal(e.data.purpose, 'Parken');
    assert.equal(e.tenant, 'hb');
    for (const s of [free, otherTenant]) {
      const nr = await eventually(
        async () => stack.recorder.ofType(paymentNotRequiredV1, s.submissionId)[0],
        {
          what: 'payment.not-required',
        },
      );
      assert.deepEqual(nr.data, { submissionId: s.submissionId, tenant: s.tenant });
      assert.equal(stack.recorder.ofType(paymentRequestedV1, s.submissionId).length, 0);
    }

    // A changed fee applies to later submissions only.
    const changed = await call(`${fees()}/${land.id}`, {
      method: 'PUT',
      token: admin,
      body: { leikaKey: LEIKA_PARKEN, arsPrefix: '04', amountCents: 2500, purpose: 'Parken' },
    });
    assert.equal(changed.status, 200);
    const later = await submit(stack, { ars: '040120000000' });
    assert.equal((await requested(later.submissionId)).data.amountCents, 2500);
    assert.equal(stack.recorder.ofType(paymentRequestedV1, bremerhaven.submissionId).length, 1);

    const removed = await call(`${fees()}/${land.id}`, { method: 'DELETE', token: admin });
    assert.equal(removed.status, 204);
    assert.equal((await lookup('040120000000')).body.amountCents, 1000);
  });

  it('configures providers with credential references only, validated and scoped to the tenant', async () => {
    const url = (env: string, tenant = 'hb') => `${stack.svc.url}/admin/tenants/${tenant}/providers/${env}`;
    const oauth = (clientSecret: unknown) => ({
      kind: 'xbezahldienste',
      baseUrl: 'https://payment.example.de/xbezahldienste',
      settings: {
        originatorId: 'hb-kasse',
        endPointId: 'parken',
        auth: {
          mode: 'oauth2',
          tokenUrl: 'https://payment.example.de/oauth2/token',
          clientId: 'amtsbote',
          clientSecret,
        },
      },
    });

    const ok = await call(url('production'), {
      method: 'PUT',
      token: admin,
      body: oauth({ env: 'PAYMENT_SECRET_HB_CLIENT_SECRET' }),
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((ok.body as { active: boolean }).active, false, 'tests run with the test environment');
    assert.doesNotMatch(JSON.stringify(ok.body), /do-not-echo-me/);

    const problems = async (body: unknown, env = 'production') => {
      const r = await call<{ code: string; errors: Array<{ path: string; code: string }> }>(url(env), {
        method: 'PUT',
        token: admin,
        body,
      });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      return r.body.errors.map((e) => `${e.path} ${e.code}`);
    };
    // Another tenant's or the service's own secrets cannot be named (they would go to the admin's URL).
    assert.deepEqual(await problems(oauth({ env: 'DATABASE_PASSWORD' })), [
      '/settings/auth/clientSecret invalid-secret-reference',
    ]);
    assert.deepEqual(await problems(oauth({ env: 'PAYMENT_SECRET_NW_CLIENT_SECRET' })), [
      '/settings/auth/clientSecret invalid-secret-reference',
    ]);
    assert.deepEqual(await problems(oauth({ file: '/etc/passwd' })), [
      '/settings/auth/clientSecret invalid-secret-reference',
    ]);
    assert.deepEqual(await problems(oauth({ env: 'PAYMENT_SECRET_HB_NOT_SET' })), [
      '/settings/auth/clientSecret secret-not-found',
    ]);
    // A secret itself is not a reference.
    assert.ok(
      (await problems(oauth('do-not-echo-me'))).some((p) => p.startsWith('/settings/auth/clientSecret')),
    );
    assert.deepEqual(
      await problems({
        ...oauth({ env: 'PAYMENT_SECRET_HB_CLIENT_SECRET' }),
        baseUrl: 'http://payment.example.de',
      }),
      ['/baseUrl invalid-url'],
    );
    assert.deepEqual(await problems({ kind: 'simulator', baseUrl: 'https://sim.example', settings: {} }), [
      '/kind simulator-not-allowed',
    ]);
    assert.deepEqual(
      await problems({
        kind: 'xbezahldienste',
        baseUrl: 'https://p.example',
        settings: { originatorId: 'a', endPointId: 'b', auth: { mode: 'none' } },
      }),
      ['/settings/auth/mode auth-required'],
    );
    assert.deepEqual(
      await problems({
        kind: 'pmpayment-classic',
        baseUrl: 'https://p.example',
        settings: { ags: '0401', procedure: 'x', salt: { env: 'PAYMENT_SECRET_HB_CLIENT_SECRET' } },
      }),
      ['/settings/ags invalid_format'],
    );

    const sim = await call(url('test'), {
      method: 'PUT',
      token: admin,
      body: { kind: 'simulator', baseUrl: 'http://127.0.0.1:9/', settings: {} },
    });
    assert.equal(sim.status, 200, JSON.stringify(sim.body));
    assert.deepEqual((sim.body as { settings: unknown }).settings, {
      originatorId: 'amtsbote',
      endPointId: 'simulator',
    });
    expectProblem(
      await call(url('test', 'nw'), {
        method: 'PUT',
        token: admin,
        body: { kind: 'simulator', baseUrl: 'http://x', settings: {} },
      }),
      403,
      'forbidden',
    );

    // The test provider points at a closed port: the portal gets a clear 503, nothing is stored.
    const s = await submit(stack, { ars: '040110000000' });
    await eventually(async () => stack.recorder.ofType(paymentRequestedV1, s.submissionId)[0], {
      what: 'payment.requested',
    });
    const down = await call(`${stack.svc.url}/submissions/${s.submissionId}/payment`, {
      token: citizen,
      body: {},
    });
    expectProblem(down, 503, 'payment-provider-unavailable');
    const state = await call<{ state: string; redirectUrl?: string }>(
      `${stack.svc.url}/submissions/${s.submissionId}/payment`,
      { token: citizen },
    );
    assert.equal(state.body.state, 'INITIAL');
    assert.equal(state.body.redirectUrl, undefined);

    const list = await call<Array<{ environment: string; active: boolean }>>(
      `${stack.svc.url}/admin/tenants/hb/providers`,
      {
        token: admin,
      },
    );
    assert.deepEqual(
      list.body.map((c) => [c.environment, c.active]),
      [
        ['production', false],
        ['test', true],
      ],
    );
  });

  it('audit-logs every admin change with actor, action and target, readable by the tenant admin only', async () => {
    const log = await call<
      Array<{ actorKey: string; action: string; target: string; tenant: string; details: unknown }>
    >(`${stack.svc.url}/admin/tenants/hb/audit-log`, { token: admin });
    assert.equal(log.status, 200);
    const actions = log.body.map((e) => e.action);
    assert.equal(actions.filter((a) => a === 'fee.created').length, 3);
    assert.equal(actions.filter((a) => a === 'fee.updated').length, 1);
    assert.equal(actions.filter((a) => a === 'fee.deleted').length, 1);
    assert.equal(
      actions.filter((a) => a === 'provider.configured').length,
      2,
      'refused configs are not logged',
    );
    assert.ok(log.body.every((e) => e.actorKey === keyOf('hb-payment-admin') && e.tenant === 'hb'));
    assert.doesNotMatch(JSON.stringify(log.body), /do-not-echo-me/);
    expectProblem(
      await call(`${stack.svc.url}/admin/tenants/nw/audit-log`, { token: admin }),
      403,
      'forbidden',
    );
  });
});
