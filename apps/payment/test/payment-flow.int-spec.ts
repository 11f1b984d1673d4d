import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type EventContract,
  mandateGrantedV1,
  paymentExpiredV1,
  paymentFailedV1,
  paymentRequestedV1,
  paymentSettledV1,
} from '@amtsbote/contracts';
import {
  eventually,
  mintToken,
  OIDC_ISSUER,
  type PaymentSimulator,
  publishTestEvent,
  startPaymentSimulator,
} from '@amtsbote/testing';
import {
  call,
  expectProblem,
  keyOf,
  LEIKA_FREI,
  LEIKA_PARKEN,
  type PaymentUnderTest,
  PORTAL,
  sleep,
  startPayment,
  submit,
} from './harness';

interface Payment {
  submissionId: string;
  required: boolean;
  state: string;
  transactionId?: string;
  amountCents?: number;
  purpose?: string;
  redirectUrl?: string;
  paymentMethod?: string;
  expiresAt?: string;
}

describe('payment flow against the provider simulator over real HTTP', () => {
  let stack: PaymentUnderTest;
  let sim: PaymentSimulator;
  /** A second provider that demands OAuth2 client credentials. */
  let oauthSim: PaymentSimulator;
  let secretsDir: string;
  const tokens: Record<string, string> = {};
  const paymentUrl = (submissionId: string) => `${stack.svc.url}/submissions/${submissionId}/payment`;

  const configureProvider = async (body: Record<string, unknown>) => {
    const r = await call(`${stack.svc.url}/admin/tenants/hb/providers/test`, {
      method: 'PUT',
      token: tokens.admin,
      body,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };

  /** A submission with a fee, once payment has taken note of it. */
  const dueSubmission = async (overrides: Parameters<typeof submit>[1] = {}) => {
    const s = await submit(stack, overrides);
    await eventually(async () => stack.recorder.ofType(paymentRequestedV1, s.submissionId)[0], {
      what: 'payment.requested',
    });
    return s;
  };

  const open = async (submissionId: string, token = tokens.anna, body: Record<string, unknown> = {}) => {
    const r = await call<Payment>(paymentUrl(submissionId), {
      token,
      body: { returnUrl: `${PORTAL}/zahlung`, ...body },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.state, 'INITIAL');
    assert.ok(r.body.redirectUrl?.startsWith('http://127.0.0.1:'));
    return r.body;
  };

  const simTx = (p: Payment, provider = sim) => {
    const t = provider.transaction(p.redirectUrl!.split('/pay/')[1]);
    assert.ok(t, 'the simulator knows the transaction');
    return t;
  };

  /** Waits for an event, then makes sure no second one follows. */
  const exactlyOnce = async <C extends EventContract>(contract: C, subject: string) => {
    await eventually(async () => (stack.recorder.ofType(contract, subject).length > 0 ? true : undefined), {
      what: contract.type,
    });
    await sleep(1500);
    const events = stack.recorder.ofType(contract, subject);
    assert.equal(events.length, 1, `${contract.type} exactly once`);
    return events[0];
  };

  const view = async (submissionId: string, token = tokens.anna) =>
    (await call<Payment>(paymentUrl(submissionId), { token })).body;

  before(async () => {
    secretsDir = await mkdtemp(join(tmpdir(), 'payment-secrets-'));
    await mkdir(join(secretsDir, 'hb'));
    await writeFile(join(secretsDir, 'hb', 'pm-salt'), 'pm-salz-4711\n');
    sim = await startPaymentSimulator({
      pmPayment: [{ ags: '04011000', procedure: 'bewohnerparken', salt: 'pm-salz-4711' }],
    });
    oauthSim = await startPaymentSimulator({
      client: { clientId: 'amtsbote-hb', clientSecret: 'oauth-geheim' },
    });
    stack = await startPayment('payment_flow', {
      PAYMENT_SECRETS_DIR: secretsDir,
      PAYMENT_SECRET_HB_XBEZAHLDIENSTE_CLIENT: 'oauth-geheim',
    });
    for (const user of ['anna', 'ben', 'dora']) tokens[user] = await mintToken(OIDC_ISSUER, user);
    tokens.admin = await mintToken(OIDC_ISSUER, 'hb-payment-admin');
    const fee = await call(`${stack.svc.url}/admin/tenants/hb/fees`, {
      token: tokens.admin,
      body: {
        leikaKey: LEIKA_PARKEN,
        amountCents: 2850,
        purpose: 'Bewohnerparkausweis',
        description: 'Gebühr für den Bewohnerparkausweis',
        bookingData: { haushaltsstelle: '1.1100.1000' },
      },
    });
    assert.equal(fee.status, 201);
    // The simulator needs no credentials (kind `simulator`: test environment only).
    await configureProvider({
      kind: 'simulator',
      baseUrl: sim.url,
      settings: { originatorId: 'hb', endPointId: 'parken' },
    });
  });

  after(async () => {
    await stack?.close();
    await sim?.close();
    await oauthSim?.close();
    if (secretsDir) await rm(secretsDir, { recursive: true, force: true });
  });

  it('settles end to end: pay page, return, provider-confirmed, `payment.settled` exactly once', async () => {
    const s = await dueSubmission();
    const requested = stack.recorder.ofType(paymentRequestedV1, s.submissionId)[0];
    const p = await open(s.submissionId);
    assert.equal(p.transactionId, requested.data.transactionId);
    assert.equal(p.amountCents, 2850);

    // What the provider received: the fee from the schedule, texts within the limits, our requestId.
    const t = simTx(p);
    assert.equal(t.amountCents, 2850);
    assert.equal(t.requestId, p.transactionId);
    assert.equal(t.request.grosAmount, 28.5);
    assert.equal(t.request.purpose, 'Bewohnerparkausweis');
    assert.deepEqual((t.request.items as Array<{ bookingData: unknown }>)[0].bookingData, {
      haushaltsstelle: '1.1100.1000',
    });

    // The citizen presses "Bezahlen"; the browser goes to our return URL, we ask the provider, then the portal.
    const page = await fetch(p.redirectUrl!);
    assert.match(await page.text(), /28,50/);
    const button = await fetch(`${sim.url}/pay/${t.transactionId}/settle`, {
      method: 'POST',
      redirect: 'manual',
    });
    assert.equal(button.status, 303);
    const back = await fetch(button.headers.get('location')!, { redirect: 'manual' });
    assert.equal(back.status, 303);
    const portal = new URL(back.headers.get('location')!);
    assert.equal(portal.origin + portal.pathname, `${PORTAL}/zahlung`);
    assert.equal(portal.searchParams.get('payment'), 'PAYED');
    assert.equal(portal.searchParams.get('submissionId'), s.submissionId);

    const settled = await exactlyOnce(paymentSettledV1, s.submissionId);
    assert.equal(settled.tenant, 'hb');
    assert.equal(settled.data.transactionId, p.transactionId);
    assert.equal(settled.data.amountCents, 2850);
    assert.equal(settled.data.provider, 'simulator');
    assert.deepEqual(settled.data.paymentInformation, {
      transactionReference: t.reference,
      transactionId: t.transactionId,
      transactionUrl: `${sim.url}/paymenttransaction/hb/parken/${t.transactionId}`,
      paymentMethod: 'CREDITCARD',
      status: 'BOOKED',
      grossAmount: 28.5,
    });
    const after = await view(s.submissionId);
    assert.equal(after.state, 'PAYED');
    assert.equal(after.paymentMethod, 'CREDITCARD');
    assert.equal(after.redirectUrl, undefined);
    expectProblem(
      await call(paymentUrl(s.submissionId), { token: tokens.anna, body: {} }),
      409,
      'payment-closed',
    );
  });

  it('fails: the provider reports FAILED after its notification, `payment.failed` exactly once', async () => {
    const s = await dueSubmission();
    const p = await open(s.submissionId);
    await sim.complete(simTx(p).transactionId, 'FAILED');
    const failed = await exactlyOnce(paymentFailedV1, s.submissionId);
    assert.equal(failed.data.outcome, 'FAILED');
    assert.equal(failed.data.transactionId, p.transactionId);
    assert.ok(failed.data.reason && failed.data.reason.length > 0);
    assert.equal((await view(s.submissionId)).state, 'FAILED');
    assert.equal(stack.recorder.ofType(paymentSettledV1, s.submissionId).length, 0);
  });

  it('cancels: the pay page button, then the return, `payment.failed` with CANCELED', async () => {
    const s = await dueSubmission();
    const p = await open(s.submissionId);
    const button = await fetch(`${sim.url}/pay/${simTx(p).transactionId}/cancel`, {
      method: 'POST',
      redirect: 'manual',
    });
    const back = await fetch(button.headers.get('location')!, { redirect: 'manual' });
    assert.equal(new URL(back.headers.get('location')!).searchParams.get('payment'), 'CANCELED');
    const failed = await exactlyOnce(paymentFailedV1, s.submissionId);
    assert.equal(failed.data.outcome, 'CANCELED');
  });

  it('forged, unsigned or replayed notifications change nothing while the provider says INITIAL', async () => {
    const s = await dueSubmission();
    const p = await open(s.submissionId);
    const t = simTx(p);
    const notifyUrl = t.notifyUrl!;
    const bare = notifyUrl.split('?')[0];
    const claim = {
      transactionId: t.transactionId,
      status: 'PAYED',
      paymentInformation: { status: 'PAYED' },
    };

    // Without or with a wrong token: not even looked at.
    assert.equal((await call(bare, { body: claim })).status, 404);
    assert.equal((await call(`${bare}?token=${'A'.repeat(43)}`, { body: claim })).status, 404);
    assert.equal(
      (await call(`${stack.svc.url}/payments/${randomUUID()}/notifications?token=x`, { body: claim })).status,
      404,
    );
    // With the real token (someone read the URL): it only triggers our status query, and the provider says INITIAL.
    assert.equal((await call(notifyUrl, { body: claim })).status, 204);
    const form = await fetch(notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ txid: t.transactionId, status: '1', amount: '2850' }).toString(),
    });
    assert.equal(form.status, 204);
    const back = await fetch(t.redirectUrl, { redirect: 'manual' });
    assert.equal(new URL(back.headers.get('location')!).searchParams.get('payment'), 'INITIAL');
    await sleep(1000);
    assert.equal((await view(s.submissionId)).state, 'INITIAL');
    assert.equal(stack.recorder.ofType(paymentSettledV1, s.submissionId).length, 0);

    // The real payment, then the old notification replayed: still exactly one settlement.
    await sim.complete(t.transactionId, 'PAYED');
    await exactlyOnce(paymentSettledV1, s.submissionId);
    assert.equal((await call(notifyUrl, { body: claim })).status, 204);
    await sleep(500);
    assert.equal(stack.recorder.ofType(paymentSettledV1, s.submissionId).length, 1);
  });

  it('another citizen gets 404 for someone else’s payment; a representative with a mandate gets it', async () => {
    const s = await dueSubmission();
    for (const r of [
      await call(paymentUrl(s.submissionId), { token: tokens.ben }),
      await call(paymentUrl(s.submissionId), { token: tokens.ben, body: {} }),
      await call(paymentUrl(s.submissionId), { token: tokens.ben, headers: { 'x-act-for': keyOf('anna') } }),
    ]) {
      expectProblem(r, 404, 'not-found');
    }
    expectProblem(await call(paymentUrl(randomUUID()), { token: tokens.anna }), 404, 'not-found');
    assert.equal(
      sim
        .transactions()
        .filter(
          (t) =>
            t.requestId === stack.recorder.ofType(paymentRequestedV1, s.submissionId)[0].data.transactionId,
        ).length,
      0,
    );

    // A submission of the organisation Musterbau GmbH; Dora holds a mandate, Ben does not.
    const org = await dueSubmission({
      applicant: {
        ownerKey: keyOf('musterbau'),
        kind: 'organisation',
        actedByKey: keyOf('dora'),
        trustLevel: 3,
      },
    });
    expectProblem(
      await call(paymentUrl(org.submissionId), {
        token: tokens.dora,
        headers: { 'x-act-for': keyOf('musterbau') },
      }),
      404,
      'not-found',
    );
    await publishTestEvent({
      id: randomUUID(),
      topicPrefix: stack.topicPrefix,
      contract: mandateGrantedV1,
      subject: randomUUID(),
      data: {
        mandateId: randomUUID(),
        organisationKey: keyOf('musterbau'),
        representativeKey: keyOf('dora'),
        leikaKeys: null,
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: null,
      },
    });
    const seen = await eventually(
      async () => {
        const r = await call<Payment>(paymentUrl(org.submissionId), {
          token: tokens.dora,
          headers: { 'x-act-for': keyOf('musterbau') },
        });
        return r.status === 200 ? r.body : undefined;
      },
      { what: 'the mandate to reach payment' },
    );
    assert.equal(seen.state, 'INITIAL');
    const opened = await call<Payment>(paymentUrl(org.submissionId), {
      token: tokens.dora,
      headers: { 'x-act-for': keyOf('musterbau') },
      body: {},
    });
    assert.equal(opened.status, 201);
    expectProblem(
      await call(paymentUrl(org.submissionId), {
        token: tokens.ben,
        headers: { 'x-act-for': keyOf('musterbau') },
      }),
      404,
      'not-found',
    );
  });

  it('creation is idempotent: concurrent requests open one provider transaction', async () => {
    const s = await dueSubmission();
    const before = sim.transactions().length;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        call<Payment>(paymentUrl(s.submissionId), { token: tokens.anna, body: {} }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 200, 201]);
    assert.equal(new Set(answers.map((a) => a.body.redirectUrl)).size, 1);
    assert.equal(new Set(answers.map((a) => a.body.transactionId)).size, 1);
    assert.equal(sim.transactions().length, before + 1);
    const again = await call<Payment>(paymentUrl(s.submissionId), { token: tokens.anna, body: {} });
    assert.equal(again.status, 200);
    assert.equal(again.body.redirectUrl, answers[0].body.redirectUrl);
    assert.equal(sim.transactions().length, before + 1);

    // Without a portal return URL the citizen lands on our short status page.
    const page = await fetch(simTx(again.body).redirectUrl);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    // Our own HTML runs nothing and cannot be framed; nothing is sniffed into another type.
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    assert.match(html, /28,50 EUR/);
    assert.match(html, /noch nicht bestätigt/);
  });

  it('provider down or refusing: a clear problem for the portal and nothing half-created', async () => {
    const s = await dueSubmission();
    const before = sim.transactions().length;
    sim.setOutage(true);
    try {
      const down = await call(paymentUrl(s.submissionId), { token: tokens.anna, body: {} });
      expectProblem(down, 503, 'payment-provider-unavailable');
      assert.equal(down.headers.get('retry-after'), '30');
      assert.match((down.body as { titles: { de: string } }).titles.de, /Zahlungsdienst/);
    } finally {
      sim.setOutage(false);
    }
    const state = await view(s.submissionId);
    assert.equal(state.state, 'INITIAL');
    assert.equal(state.redirectUrl, undefined, 'no provider session was stored');
    assert.equal(sim.transactions().length, before);

    sim.failNextCreate({ status: 400, code: 'VALIDATION_ERROR' });
    const refused = await call(paymentUrl(s.submissionId), { token: tokens.anna, body: {} });
    expectProblem(refused, 502, 'payment-provider-error');
    assert.equal((refused.body as { providerCode?: string }).providerCode, 'VALIDATION_ERROR');
    assert.equal((await view(s.submissionId)).redirectUrl, undefined);

    // Back up: opens exactly one transaction.
    const p = await open(s.submissionId);
    assert.equal(sim.transactions().length, before + 1);
    assert.equal(simTx(p).amountCents, 2850);
    assert.equal(stack.recorder.ofType(paymentFailedV1, s.submissionId).length, 0);
    assert.equal(stack.recorder.ofType(paymentExpiredV1, s.submissionId).length, 0);
  });

  it('the portal can neither choose the amount nor send the citizen to a foreign site', async () => {
    const s = await dueSubmission();
    expectProblem(
      await call(paymentUrl(s.submissionId), { token: tokens.anna, body: { amountCents: 1 } }),
      400,
      'validation-failed',
    );
    expectProblem(
      await call(paymentUrl(s.submissionId), {
        token: tokens.anna,
        body: { returnUrl: 'https://evil.example/x' },
      }),
      422,
      'return-url-not-allowed',
    );
    const p = await open(s.submissionId);
    assert.equal(p.amountCents, 2850);
    assert.equal(simTx(p).amountCents, 2850);
  });

  it('no fee: the portal sees NOT_REQUIRED and cannot start a payment', async () => {
    const s = await submit(stack, { leikaKey: LEIKA_FREI });
    const p = await eventually(
      async () => {
        const r = await call<Payment>(paymentUrl(s.submissionId), { token: tokens.anna });
        return r.status === 200 ? r.body : undefined;
      },
      { what: 'the submission to arrive' },
    );
    assert.deepEqual(p, { submissionId: s.submissionId, required: false, state: 'NOT_REQUIRED' });
    expectProblem(
      await call(paymentUrl(s.submissionId), { token: tokens.anna, body: {} }),
      409,
      'payment-not-required',
    );
  });

  it('xbezahldienste with OAuth2 client credentials (secret by environment reference)', async () => {
    await configureProvider({
      kind: 'xbezahldienste',
      baseUrl: oauthSim.url,
      settings: {
        originatorId: 'hb',
        endPointId: 'parken',
        notifications: true,
        auth: {
          mode: 'oauth2',
          tokenUrl: `${oauthSim.url}/oauth/token`,
          clientId: 'amtsbote-hb',
          clientSecret: { env: 'PAYMENT_SECRET_HB_XBEZAHLDIENSTE_CLIENT' },
        },
      },
    });
    const tokenCalls = () => oauthSim.requests.filter((r) => r.path === '/oauth/token').length;
    const before = tokenCalls();
    const s = await dueSubmission();
    const p = await open(s.submissionId);
    assert.ok(p.redirectUrl?.startsWith(oauthSim.url));
    await oauthSim.complete(simTx(p, oauthSim).transactionId, 'PAYED', { paymentMethod: 'PAYPAL' });
    const settled = await exactlyOnce(paymentSettledV1, s.submissionId);
    assert.equal(settled.data.provider, 'xbezahldienste');
    assert.equal(settled.data.paymentInformation.paymentMethod, 'PAYPAL');
    assert.equal(tokenCalls(), before + 1, 'the access token is reused');
  });

  it('pmpayment-classic: signed form request (the simulator checks the HMAC), confirmed by status query', async () => {
    await configureProvider({
      kind: 'pmpayment-classic',
      baseUrl: sim.url,
      settings: {
        ags: '04011000',
        procedure: 'bewohnerparken',
        salt: { file: join(secretsDir, 'hb', 'pm-salt') },
      },
    });
    const s = await dueSubmission();
    const p = await open(s.submissionId);
    const t = simTx(p);
    assert.equal(t.interface, 'pmpayment-classic');
    assert.equal(t.amountCents, 2850);
    assert.equal(t.request.desc, 'Bewohnerparkausweis');
    assert.match(String(t.request.hash), /^[0-9a-f]{64}$/);
    // pmPayment notifies by an unsigned form POST; we ask /payment/status/{ags}/{txid}.
    await sim.complete(t.transactionId, 'PAYED', { paymentMethod: 'giropay' });
    const settled = await exactlyOnce(paymentSettledV1, s.submissionId);
    assert.equal(settled.data.provider, 'pmpayment-classic');
    assert.equal(settled.data.paymentInformation.paymentMethod, 'GIROPAY');
    assert.equal(settled.data.paymentInformation.transactionId, t.transactionId);
    assert.ok(sim.requests.some((r) => r.path === `/payment/status/04011000/${t.transactionId}`));
  });
});
