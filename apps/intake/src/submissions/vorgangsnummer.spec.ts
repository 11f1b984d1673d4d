import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatVorgangsnummer, germanYear } from './vorgangsnummer';

describe('Vorgangsnummer', () => {
  it('is tenant, year and a zero-padded number', () => {
    assert.equal(formatVorgangsnummer('hb', 2026, 123), 'HB-2026-000123');
    assert.equal(formatVorgangsnummer('nw-koeln', 2026, 1234567), 'NW-KOELN-2026-1234567');
  });

  it('counts the year in German time', () => {
    assert.equal(germanYear(new Date('2025-12-31T23:30:00Z')), 2026);
    assert.equal(germanYear(new Date('2025-12-31T22:30:00Z')), 2025);
    assert.equal(germanYear(new Date('2026-07-01T12:00:00Z')), 2026);
  });
});
