import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type PaymentSimulator, startPaymentSimulator } from './simulator';

const request = (requestId: string, overrides: Record<string, unknown> = {}) => ({
  requestId,
  requestTimestamp: new Date().toISOString(),
  currency: 'EUR',
  grosAmount: 28.5,
  purpose: 'Bewohnerparkausweis',
  description: 'Gebühr Bewohnerparkausweis',
  redirectUrl: 'https://amtsbote.example/return',
  items: [
    {
      id: 'fee',
      reference: 'HB-2025-1',
      description: 'Gebühr',
      quantity: 1,
      totalNetAmount: 28.5,
      totalTaxAmount: 0,
    },
  ],
  ...overrides,
});

describe('payment provider simulator', () => {
  let sim: PaymentSimulator;
  const notifications: Array<{ body: string; type?: string }> = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      notifications.push({ body, type: req.headers['content-type'] });
      res.writeHead(204).end();
    });
  });
  let notifyUrl = '';

  before(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
    sim = await startPaymentSimulator({
      client: { clientId: 'amtsbote', clientSecret: 'geheim' },
      pmPayment: [{ ags: '04011000', procedure: 'parken', salt: 'salz' }],
    });
  });

  after(async () => {
    await sim.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const token = async () => {
    const res = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('amtsbote:geheim').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it('speaks XBezahldienste: OAuth2, create, duplicate requestId, validation, status, pay page', async () => {
    const unauthorised = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request('r1')),
    });
    assert.equal(unauthorised.status, 401);
    const bad = await fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=amtsbote&client_secret=falsch',
    });
    assert.equal(bad.status, 401);

    const auth = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
    const created = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(request('r1', { notifyUrl })),
    });
    assert.equal(created.status, 201);
    const tx = (await created.json()) as {
      paymentInformation: {
        transactionId: string;
        transactionUrl: string;
        transactionRedirectUrl: string;
        status: string;
      };
    };
    assert.equal(tx.paymentInformation.status, 'INITIAL');
    assert.equal(created.headers.get('location'), tx.paymentInformation.transactionUrl);

    const again = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(request('r1')),
    });
    assert.equal(again.status, 409);
    assert.match(again.headers.get('content-type') ?? '', /problem\+json/);
    assert.equal(((await again.json()) as { errorCode: string }).errorCode, 'PAYMENT_EXISTS');

    const invalid = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(request('r2', { grosAmount: 30, purpose: 'Gebühr mit Umlaut und viel zu lang' })),
    });
    assert.equal(invalid.status, 400);
    const problem = (await invalid.json()) as { errorCode: string; invalidParams: Array<{ name: string }> };
    assert.equal(problem.errorCode, 'VALIDATION_ERROR');
    assert.deepEqual(problem.invalidParams.map((p) => p.name).sort(), ['grosAmount', 'purpose']);

    const page = await (await fetch(tx.paymentInformation.transactionRedirectUrl)).text();
    assert.match(page, /28,50 €/);
    assert.match(page, /Bezahlen/);

    // The "Bezahlen" button: status PAYED, a notification, the browser goes back.
    const button = await fetch(`${sim.url}/pay/${tx.paymentInformation.transactionId}/settle`, {
      method: 'POST',
      redirect: 'manual',
    });
    assert.equal(button.status, 303);
    assert.equal(button.headers.get('location'), 'https://amtsbote.example/return');
    const status = (await (await fetch(tx.paymentInformation.transactionUrl, { headers: auth })).json()) as {
      paymentInformation: { status: string; paymentMethod: string };
    };
    assert.equal(status.paymentInformation.status, 'PAYED');
    assert.equal(status.paymentInformation.paymentMethod, 'CREDITCARD');
    assert.equal(notifications.length, 1);
    assert.deepEqual(JSON.parse(notifications[0].body), {
      transactionId: tx.paymentInformation.transactionId,
      status: 'PAYED',
    });
  });

  it('speaks pmPayment classic: the hash is checked, status by ags and txid', async () => {
    const fields: Record<string, string> = {
      ags: '04011000',
      amount: '1500',
      procedure: 'parken',
      desc: 'Parkausweis',
      txid: 'tx-1',
      notifyURL: notifyUrl,
      redirectURL: 'https://amtsbote.example/r',
    };
    const input = ['ags', 'amount', 'procedure', 'desc', 'txid', 'notifyURL', 'redirectURL']
      .map((k) => fields[k])
      .join('|');
    const hash = createHmac('sha256', 'salz').update(input).digest('hex');
    const forged = await fetch(`${sim.url}/payment/secure`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, amount: '15', hash }).toString(),
    });
    assert.equal(forged.status, 400);
    const ok = await fetch(`${sim.url}/payment/secure`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, hash }).toString(),
    });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { txid: string }).txid, 'tx-1');
    const status = async () =>
      ((await (await fetch(`${sim.url}/payment/status/04011000/tx-1`)).json()) as { status: string }).status;
    assert.equal(await status(), '-1');
    await sim.complete('tx-1', 'CANCELED');
    assert.equal(await status(), '0');
    assert.match(notifications.at(-1)!.type ?? '', /x-www-form-urlencoded/);
  });

  it('simulates an outage and refused requests through the control API', async () => {
    const auth = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
    await fetch(`${sim.url}/control/outage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: true }),
    });
    const down = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    assert.equal(down.status, 503);
    sim.setOutage(false);
    sim.failNextCreate({ status: 400, code: 'VALIDATION_ERROR' });
    const refused = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(request('r3')),
    });
    assert.equal(refused.status, 400);
    const next = await fetch(`${sim.url}/paymenttransaction/o/e`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(request('r3')),
    });
    assert.equal(next.status, 201);
    const list = (await (await fetch(`${sim.url}/control/transactions`)).json()) as unknown[];
    assert.equal(list.length, sim.transactions().length);
  });
});
