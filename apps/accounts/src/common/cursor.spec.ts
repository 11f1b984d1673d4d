import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor } from './cursor';

void describe('cursor', () => {
  void it('round-trips', () => {
    const c = { createdAt: new Date('2026-03-01T10:00:00.123Z'), id: '0b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10' };
    assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  });

  void it('refuses what it did not issue', () => {
    assert.equal(decodeCursor('garbage'), undefined);
    assert.equal(decodeCursor(Buffer.from('["x","y"]').toString('base64url')), undefined);
    assert.equal(
      decodeCursor(
        Buffer.from('["not a date","0b6c8a52-1f1e-4c55-9f43-3c3c7d7b2a10"]').toString('base64url'),
      ),
      undefined,
    );
  });
});
