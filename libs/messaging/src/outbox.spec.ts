import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineEvent, TOPICS } from '@amtsbote/contracts';
import { z } from 'zod';
import { MAX_EVENT_BYTES, OutboxWriter } from './outbox';

const noted = defineEvent(
  'de.amtsbote.test.noted.v1',
  TOPICS.diagnostics,
  z.object({ note: z.string() }),
  'Used by this spec only.',
);

describe('OutboxWriter.prepare', () => {
  const writer = new OutboxWriter('bb', 'amtsbote/test');

  it('turns checked events into outbox rows with the statement that inserts them', () => {
    const prepared = writer.prepare([{ contract: noted, subject: 's1', data: { note: 'hello' } }]);
    assert.equal(prepared.ids.length, 1);
    const rows: Array<{ id: string; topic: string; key: string; data: string }> = JSON.parse(prepared.rows);
    assert.deepEqual(
      rows.map((r): unknown[] => [r.id, r.topic, r.key, JSON.parse(r.data)]),
      [[prepared.ids[0], TOPICS.diagnostics, 's1', { note: 'hello' }]],
    );
    assert.match(writer.insertSql(7, 8, 'EXISTS (SELECT 1)'), /\$8,[\s\S]*\$7::jsonb[\s\S]*WHERE EXISTS/);
  });

  it('refuses an event that breaks its contract or that the broker could never take', () => {
    assert.throws(
      () =>
        writer.prepare([
          { contract: noted, subject: 's1', data: JSON.parse('{"note":1}') as { note: string } },
        ]),
      /does not match its contract/,
    );
    assert.throws(
      () => writer.prepare([{ contract: noted, subject: 's1', data: { note: 'x'.repeat(MAX_EVENT_BYTES) } }]),
      /larger than/,
    );
  });
});
