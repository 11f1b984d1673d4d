import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  sanitizeBookingData,
  sanitizeId,
  sanitizePurpose,
  sanitizeText,
  XBEZAHLDIENSTE_LIMITS,
} from './sanitize';

describe('sanitising to the XBezahldienste limits', () => {
  it('purpose: umlauts transliterated, forbidden characters removed, at most 27 characters', () => {
    assert.equal(sanitizePurpose('Gebühr Bewohnerparkausweis'), 'Gebuehr Bewohnerparkausweis');
    assert.equal(sanitizePurpose('Straßen-Sondernutzung'), 'Strassen-Sondernutzung');
    assert.equal(sanitizePurpose('Führungszeugnis (Beleg: 12/34) für Ämter'), 'Fuehrungszeugnis Beleg 1234');
    assert.equal(sanitizePurpose('Café  \n\t René'), 'Cafe Rene');
    assert.equal(sanitizePurpose('€$%&'), '');
    assert.equal(sanitizePurpose('A'.repeat(40)), 'A'.repeat(27));
    // Cut at 27, then no trailing blank.
    assert.equal(sanitizePurpose('Gebuehr fuer Anwohnerparkx ausweis'), 'Gebuehr fuer Anwohnerparkx');
  });

  it('description: keeps German letters, drops markup, at most 250 characters', () => {
    assert.equal(
      sanitizeText('Gebühr für <b>Bewohner</b>parken, Zone 3.'),
      'Gebühr für bBewohnerbparken, Zone 3.',
    );
    assert.equal([...sanitizeText('ä'.repeat(300))].length, 250);
  });

  it('ids and references: [A-Za-z0-9_-], at most 36', () => {
    assert.equal(sanitizeId('HB-2025/000.123'), 'HB-2025000123');
    assert.equal(sanitizeId('x'.repeat(50)).length, 36);
    assert.equal(sanitizeId('3f0c1e7a-9b2d-4c1e-8f3a-1d2b3c4d5e6f'), '3f0c1e7a-9b2d-4c1e-8f3a-1d2b3c4d5e6f');
  });

  it('booking data: sanitised keys and values, empty ones dropped, at most 20 entries', () => {
    assert.deepEqual(sanitizeBookingData({ 'Haushalts stelle': '1.1100.1000', leer: '<>', '': 'x' }), {
      Haushaltsstelle: '1.1100.1000',
    });
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(Object.keys(sanitizeBookingData(many)).length, XBEZAHLDIENSTE_LIMITS.bookingDataEntries);
  });

  it('whatever comes in, what goes out is within the limits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'grapheme' }), (input) => {
        const purpose = sanitizePurpose(input);
        assert.ok(purpose.length <= 27 && /^[\w\s-]*$/.test(purpose), JSON.stringify(purpose));
        assert.equal(purpose, purpose.trim());
        const description = sanitizeText(input);
        assert.ok([...description].length <= 250);
        assert.ok(/^[\w\s\-,.\u00C0-\u017F]*$/.test(description));
        const id = sanitizeId(input);
        assert.ok(id.length <= 36 && /^[\w-]*$/.test(id));
      }),
      { numRuns: 500 },
    );
  });
});
