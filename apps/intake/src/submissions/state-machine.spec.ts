import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, confirmsReceipt, isTerminal } from './state-machine';

describe('submission state machine', () => {
  it('follows the happy path with and without payment', () => {
    assert.ok(canTransition('SUBMITTED', 'AWAITING_PAYMENT'));
    assert.ok(canTransition('AWAITING_PAYMENT', 'READY'));
    assert.ok(canTransition('SUBMITTED', 'READY'));
    assert.ok(canTransition('READY', 'ROUTED'));
    assert.ok(canTransition('ROUTED', 'DELIVERED'));
    assert.ok(canTransition('DELIVERED', 'RECEIVED'));
    assert.ok(canTransition('RECEIVED', 'PROCESSING'));
    assert.ok(canTransition('PROCESSING', 'ACTION_REQUIRED'));
    assert.ok(canTransition('ACTION_REQUIRED', 'PROCESSING'));
    assert.ok(canTransition('PROCESSING', 'COMPLETED'));
  });

  it('refuses going back, skipping payment or leaving a terminal state', () => {
    assert.equal(canTransition('READY', 'AWAITING_PAYMENT'), false);
    assert.equal(canTransition('SUBMITTED', 'ROUTED'), false);
    assert.equal(canTransition('AWAITING_PAYMENT', 'DELIVERED'), false);
    assert.equal(canTransition('DELIVERED', 'ROUTED'), false);
    assert.equal(canTransition('RECEIVED', 'FAILED'), false);
    for (const terminal of ['COMPLETED', 'CANCELLED', 'EXPIRED', 'FAILED'] as const) {
      assert.ok(isTerminal(terminal));
      assert.equal(canTransition(terminal, 'READY'), false);
      assert.equal(canTransition(terminal, 'PROCESSING'), false);
    }
  });

  it('ignores a repeated state', () => {
    assert.equal(canTransition('ROUTED', 'ROUTED'), false);
    assert.equal(canTransition('SUBMITTED', 'SUBMITTED'), false);
  });

  it('knows which states confirm receipt by the Fachverfahren', () => {
    assert.ok(confirmsReceipt('RECEIVED'));
    assert.ok(confirmsReceipt('COMPLETED'));
    assert.equal(confirmsReceipt('DELIVERED'), false);
    assert.equal(confirmsReceipt('FAILED'), false);
  });
});
