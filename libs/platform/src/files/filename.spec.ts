import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeFilename } from './filename';

describe('sanitizeFilename', () => {
  const clean = (name: string | undefined) => sanitizeFilename(name, 'datei');

  it('keeps only the base name', () => {
    assert.equal(clean('../../etc/passwd'), 'passwd');
    assert.equal(clean('C:\\Users\\anna\\Meldebescheinigung.pdf'), 'Meldebescheinigung.pdf');
    assert.equal(clean('Bescheid Müller.pdf'), 'Bescheid Müller.pdf');
  });

  it('drops C0 and C1 controls and quotes', () => {
    assert.equal(clean('a\u0000b"c\n.pdf'), 'abc.pdf');
    assert.equal(clean('a\r\nb\tc.pdf'), 'abc.pdf');
    assert.equal(clean('x\u0085y\u009b\u007f.pdf'), 'xy.pdf');
  });

  it('drops every Unicode bidi control, so a name shows what it is', () => {
    assert.equal(clean('rechnung\u202Efdp.exe'), 'rechnungfdp.exe');
    for (const c of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ]) {
      assert.equal(clean(`a${c}b.pdf`), 'ab.pdf', `U+${c.codePointAt(0)?.toString(16)}`);
    }
    assert.equal(clean('\u200Ea\u200Fb\u061C.pdf'), 'ab.pdf');
    // Right-to-left text itself stays.
    assert.equal(clean('\u0645\u0644\u0641.pdf'), '\u0645\u0644\u0641.pdf');
  });

  it('drops invisible characters, so two names that look the same are the same', () => {
    assert.equal(clean('rech\u200Bnung.pdf'), 'rechnung.pdf', 'zero-width space');
    assert.equal(clean('\uFEFFrechnung.pdf'), 'rechnung.pdf', 'byte order mark');
    assert.equal(clean('re\u2028ch\u2029nung.pdf'), 'rechnung.pdf', 'line and paragraph separator');
    assert.equal(clean('rech\u2060nu\u00ADng\u180E.pdf'), 'rechnung.pdf', 'word joiner, soft hyphen');
    assert.equal(clean('a\uDB40\uDC41b.pdf'), 'ab.pdf', 'tag character');
    assert.equal(clean('a\uD800b.pdf'), 'ab.pdf', 'lone surrogate');
    // Joiners shape words and emoji; visible spaces stay.
    assert.equal(clean('\u0645\u200C\u0644.pdf'), '\u0645\u200C\u0644.pdf');
    assert.equal(clean('\u{1F469}\u200D\u{1F4BB} A\u00A0B.pdf'), '\u{1F469}\u200D\u{1F4BB} A\u00A0B.pdf');
  });

  it('composes to NFC and cuts at 255 characters, never inside a character', () => {
    assert.equal(clean('Mu\u0308ller.pdf'), 'Müller.pdf');
    assert.equal([...clean('ä'.repeat(300))].length, 255);
    assert.equal([...clean('😀'.repeat(300))].length, 255);
    assert.doesNotMatch(clean('😀'.repeat(300)), /[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('falls back for names that are empty or only dots', () => {
    for (const name of ['', '  ', '.', '..', '../', '\u202E', undefined]) assert.equal(clean(name), 'datei');
  });
});
