/**
 * Payments that do not end in PAYED (issue 9 §2): the citizen lets the payment fail, cancels it, or lets
 * the deadline pass. The system runs with a short payment deadline and reconciliation every second, so
 * expiry happens within the test. In each case the submission ends in intake's documented state, the
 * Postkorb tells the citizen, and nothing reaches routing or the Fachverfahren.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mintToken } from '@amtsbote/testing';
import {
  applyForParkingPermit,
  awaitIntakeStatus,
  awaitPaymentState,
  awaitPostkorbTimeline,
  type Caller,
  DEMO,
  finishAtPayPage,
  http,
  openPayment,
  postkorbMessages,
  routingMessages,
  seedDemo,
} from './journey';
import { startSystem, type System } from './system';

const DEADLINE_SECONDS = 6;

describe('payments that fail, are cancelled or expire', () => {
  let sys: System;
  let anna: Caller;
  let routingAdmin: string;

  before(async () => {
    sys = await startSystem({
      label: 'payment_outcomes',
      env: {
        payment: {
          PAYMENT_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
          PAYMENT_RECONCILE_INTERVAL_SECONDS: '1',
        },
      },
    });
    await seedDemo(sys.targets, () => undefined);
    anna = { token: await mintToken(sys.targets.issuer, 'anna') };
    routingAdmin = await mintToken(sys.targets.issuer, 'hb-routing-admin');
  });

  after(async () => {
    await sys?.stop();
  });

  /** Neither routing nor the Fachverfahren ever saw the submission. */
  async function assertNothingDelivered(submissionId: string, vorgangsnummer: string): Promise<void> {
    assert.deepEqual(await routingMessages(sys.targets, routingAdmin, submissionId), []);
    assert.ok(
      ![...sys.fvSim.received.values()].some((m) => m.envelope.vorgangsnummer === vorgangsnummer),
      'the Fachverfahren has nothing of it',
    );
  }

  /** Paying again is refused once the payment is closed. */
  async function assertClosed(submissionId: string): Promise<void> {
    const again = await http<{ code: string }>(
      'POST',
      `${sys.targets.payment}/submissions/${submissionId}/payment`,
      { ...anna, json: {}, expect: [409] },
    );
    assert.match(again.body.code, /^payment-(closed|expired)$/);
  }

  for (const c of [
    {
      action: 'fail',
      payment: 'FAILED',
      intake: 'FAILED',
      reason: 'PAYMENT_FAILED',
      outcome: 'FAILED',
      kind: 'payment.failed',
    },
    {
      action: 'cancel',
      payment: 'CANCELED',
      intake: 'CANCELLED',
      reason: 'PAYMENT_CANCELLED',
      outcome: 'CANCELLED',
      kind: 'payment.cancelled',
    },
  ] as const) {
    it(`the citizen's payment ends ${c.payment} on the pay page: ${c.intake}, nothing delivered`, async () => {
      const t = sys.targets;
      const submitted = await applyForParkingPermit(t, anna);
      const payment = await openPayment(t, anna, submitted.submissionId);
      assert.equal(payment.amountCents, DEMO.feeCents);
      await finishAtPayPage(payment.redirectUrl ?? '', c.action);
      await awaitPaymentState(t, anna, submitted.submissionId, c.payment);

      const status = await awaitIntakeStatus(t, anna, submitted.submissionId, [c.intake, 'READY']);
      assert.deepEqual(
        status.timeline.map((e) => e.status),
        ['SUBMITTED', 'AWAITING_PAYMENT', c.intake],
      );
      assert.equal(status.timeline.at(-1)?.reason?.code, c.reason);
      const timeline = await awaitPostkorbTimeline(
        t,
        anna,
        submitted.submissionId,
        (tl) => tl.status === 'COMPLETED' && tl.entries.some((e) => e.kind === c.kind),
      );
      assert.equal(timeline.outcome, c.outcome);
      const told = timeline.entries.find((e) => e.kind === c.kind);
      assert.ok(told?.messageId, 'the Postkorb has a message about the payment');
      const message = (await postkorbMessages(t, anna, submitted.submissionId)).find(
        (m) => m.id === told.messageId,
      );
      assert.equal(message?.category, 'payment');
      // Paying again is not possible (below): the message must not ask for it, but for a new application.
      assert.match(message.body, /nicht weitergeleitet.*neuen Antrag/s);
      await assertClosed(submitted.submissionId);
      await assertNothingDelivered(submitted.submissionId, submitted.vorgangsnummer);
    });
  }

  it('the deadline passes while the pay page is open: EXPIRED, and paying later changes nothing', async () => {
    const t = sys.targets;
    const submitted = await applyForParkingPermit(t, anna);
    const payment = await openPayment(t, anna, submitted.submissionId);
    assert.equal(payment.state, 'INITIAL');

    await awaitPaymentState(t, anna, submitted.submissionId, 'EXPIRED');
    const status = await awaitIntakeStatus(t, anna, submitted.submissionId, ['EXPIRED', 'READY']);
    assert.deepEqual(
      status.timeline.map((e) => e.status),
      ['SUBMITTED', 'AWAITING_PAYMENT', 'EXPIRED'],
    );
    assert.equal(status.timeline.at(-1)?.reason?.code, 'PAYMENT_EXPIRED');
    const timeline = await awaitPostkorbTimeline(
      t,
      anna,
      submitted.submissionId,
      (tl) => tl.status === 'COMPLETED' && tl.entries.some((e) => e.kind === 'payment.expired'),
    );
    assert.equal(timeline.outcome, 'EXPIRED');
    assert.ok(timeline.entries.some((e) => e.kind === 'payment.expired' && e.messageId !== null));
    await assertClosed(submitted.submissionId);

    // The provider's page was still open: a late payment is the Kasse's refund, not a delivery.
    await finishAtPayPage(payment.redirectUrl ?? '', 'settle');
    const late = await http<{ state: string }>(
      'GET',
      `${t.payment}/submissions/${submitted.submissionId}/payment`,
      anna,
    );
    assert.equal(late.body.state, 'EXPIRED');
    assert.equal((await awaitIntakeStatus(t, anna, submitted.submissionId, ['EXPIRED'])).status, 'EXPIRED');
    await assertNothingDelivered(submitted.submissionId, submitted.vorgangsnummer);
  });
});
