import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitConnectMethod } from './payment-method';

describe('payment methods in the FIT-Connect vocabulary', () => {
  it('maps XBezahldienste and pmPayment words, the rest is OTHER with detail', () => {
    assert.deepEqual(fitConnectMethod('CREDITCARD'), { paymentMethod: 'CREDITCARD' });
    assert.deepEqual(fitConnectMethod('creditcard'), { paymentMethod: 'CREDITCARD' });
    assert.deepEqual(fitConnectMethod('paypal'), { paymentMethod: 'PAYPAL' });
    assert.deepEqual(fitConnectMethod('sepa'), { paymentMethod: 'OTHER', paymentMethodDetail: 'sepa' });
    assert.deepEqual(fitConnectMethod(undefined), { paymentMethod: 'OTHER' });
  });
});
