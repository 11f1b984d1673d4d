import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnvelopeError, fromKafkaMessage, newEvent, toKafkaMessage } from './envelope';

describe('CloudEvents binary-mode envelope', () => {
  const event = newEvent({
    type: 'de.amtsbote.test.happened.v1',
    source: 'urn:amtsbote:intake',
    subject: 'sub-1',
    tenant: 'hb',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    data: { n: 1, text: 'Grüße' },
  });

  it('puts the attributes in ce_ headers, the data in the body, the subject in the key', () => {
    const m = toKafkaMessage(event);
    assert.equal(m.key, 'sub-1');
    assert.equal(m.headers?.ce_id, event.id);
    assert.equal(m.headers?.ce_type, 'de.amtsbote.test.happened.v1');
    assert.equal(m.headers?.ce_specversion, '1.0');
    assert.equal(m.headers?.tenant, 'hb');
    assert.equal(m.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(String(m.value)), { n: 1, text: 'Grüße' });
  });

  it('gives every new event an id and a time unless given', () => {
    const e = newEvent({ type: 't', source: 's', subject: 'x', data: 1, id: undefined });
    assert.match(e.id, /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(e.time)));
    assert.equal(newEvent({ type: 't', source: 's', subject: 'x', data: 1, id: 'fixed' }).id, 'fixed');
  });

  it('reads back what it wrote (headers arrive as buffers)', () => {
    const m = toKafkaMessage(event);
    const headers = Object.fromEntries(
      Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    const back = fromKafkaMessage({ headers, value: Buffer.from(String(m.value)) });
    assert.deepEqual(back, event);
  });

  it('refuses messages that are not CloudEvents 1.0 JSON', () => {
    assert.throws(() => fromKafkaMessage({ headers: {}, value: Buffer.from('{}') }), EnvelopeError);
    const headers = { ce_id: '1', ce_type: 't', ce_source: 's', ce_specversion: '0.3' };
    assert.throws(() => fromKafkaMessage({ headers, value: null }), /specversion/);
    assert.throws(
      () => fromKafkaMessage({ headers: { ...headers, ce_specversion: '1.0' }, value: Buffer.from('{nope') }),
      /not valid JSON/,
    );
  });
});
