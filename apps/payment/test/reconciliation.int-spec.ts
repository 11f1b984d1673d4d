import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { paymentExpiredV1, paymentRequestedV1, paymentSettledV1 } from '@amtsbote/contracts';
import {
  eventually,
  mintToken,
  OIDC_ISSUER,
  type PaymentSimulator,
  startPaymentSimulator,
} from '@amtsbote/testing';
import {
  call,
  expectProblem,
  LEIKA_PARKEN,
  type PaymentUnderTest,
  sleep,
  startPayment,
  submit,
} from './harness';

const DEADLINE_SECONDS = 8;

describe('reconciliation and expiry (reconcile every second, deadline 8 s)', () => {
  let stack: PaymentUnderTest;
  let sim: PaymentSimulator;
  let anna: string;
  const paymentUrl = (submissionId: string) => `${stack.svc.url}/submissions/${submissionId}/payment`;

  const dueSubmission = async () => {
    const s = await submit(stack);
    const requested = await eventually(
      async () => stack.recorder.ofType(paymentRequestedV1, s.submissionId)[0],
      {
        what: 'payment.requested',
      },
    );
    return { ...s, transactionId: requested.data.transactionId, expiresAt: requested.data.expiresAt };
  };

  const open = async (submissionId: string) => {
    const r = await call<{ redirectUrl: string }>(paymentUrl(submissionId), { token: anna, body: {} });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return sim.transaction(r.body.redirectUrl.split('/pay/')[1])!;
  };

  before(async () => {
    sim = await startPaymentSimulator();
    stack = await startPayment('payment_reconcile', {
      PAYMENT_RECONCILE_INTERVAL_SECONDS: '1',
      PAYMENT_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
    });
    anna = await mintToken(OIDC_ISSUER, 'anna');
    const admin = await mintToken(OIDC_ISSUER, 'hb-payment-admin');
    const fee = await call(`${stack.svc.url}/admin/tenants/hb/fees`, {
      token: admin,
      body: { leikaKey: LEIKA_PARKEN, amountCents: 1500, purpose: 'Parken' },
    });
    assert.equal(fee.status, 201);
    const provider = await call(`${stack.svc.url}/admin/tenants/hb/providers/test`, {
      method: 'PUT',
      token: admin,
      body: { kind: 'simulator', baseUrl: sim.url, settings: {} },
    });
    assert.equal(provider.status, 200);
  });

  after(async () => {
    await stack?.close();
    await sim?.close();
  });

  it('settles a payment whose notification was lost, and expires the unpaid ones at the deadline', async () => {
    const paid = await dueSubmission();
    const abandoned = await dueSubmission();
    const neverStarted = await dueSubmission();
    const expiresAt = Date.parse(paid.expiresAt);
    assert.ok(Math.abs(expiresAt - Date.now() - DEADLINE_SECONDS * 1000) < DEADLINE_SECONDS * 1000);

    const paidTx = await open(paid.submissionId);
    const abandonedTx = await open(abandoned.submissionId);
    // Paid at the provider, but the notification never arrives and the citizen never comes back.
    await sim.complete(paidTx.transactionId, 'PAYED', { notify: false });
    const settled = await eventually(
      async () => stack.recorder.ofType(paymentSettledV1, paid.submissionId)[0],
      {
        what: 'the reconciliation to settle the payment',
        timeoutMs: 15000,
      },
    );
    assert.equal(settled.data.amountCents, 1500);
    assert.equal(settled.data.paymentInformation.transactionId, paidTx.transactionId);

    for (const s of [abandoned, neverStarted]) {
      const expired = await eventually(
        async () => stack.recorder.ofType(paymentExpiredV1, s.submissionId)[0],
        {
          what: 'payment.expired',
          timeoutMs: DEADLINE_SECONDS * 1000 + 15000,
        },
      );
      assert.deepEqual(expired.data, {
        submissionId: s.submissionId,
        tenant: 'hb',
        transactionId: s.transactionId,
      });
      assert.ok(Date.now() >= expiresAt - 1000, 'not before the deadline');
      const view = await call<{ state: string }>(paymentUrl(s.submissionId), { token: anna });
      assert.equal(view.body.state, 'EXPIRED');
    }
    expectProblem(
      await call(paymentUrl(neverStarted.submissionId), { token: anna, body: {} }),
      409,
      'payment-closed',
    );

    // The provider's page still takes the money after our deadline: the state stays EXPIRED (no second
    // outcome for the submission), and operators see it for a refund.
    await sim.complete(abandonedTx.transactionId, 'PAYED');
    const metrics = await eventually(
      async () => {
        const text = await stack.metrics();
        return /amtsbote_payment_anomalies_total\{reason="paid-after-expiry"\} [1-9]/.test(text)
          ? text
          : undefined;
      },
      { what: 'the paid-after-expiry anomaly' },
    );
    assert.ok(metrics);
    assert.equal(
      (await call<{ state: string }>(paymentUrl(abandoned.submissionId), { token: anna })).body.state,
      'EXPIRED',
    );

    // Later rounds change nothing: one event each, the paid one stays paid.
    await sleep(2500);
    assert.equal(stack.recorder.ofType(paymentSettledV1, paid.submissionId).length, 1);
    assert.equal(stack.recorder.ofType(paymentExpiredV1, paid.submissionId).length, 0);
    assert.equal(stack.recorder.ofType(paymentExpiredV1, abandoned.submissionId).length, 1);
    assert.equal(stack.recorder.ofType(paymentSettledV1, abandoned.submissionId).length, 0);
    assert.equal(stack.recorder.ofType(paymentExpiredV1, neverStarted.submissionId).length, 1);
  });
});
