import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentDisposition, sanitizeFilename } from './attachments.mapper';

describe('file names', () => {
  it('keeps only the base name, without control characters or quotes', () => {
    assert.equal(sanitizeFilename('../../etc/passwd'), 'passwd');
    assert.equal(sanitizeFilename('C:\\Users\\anna\\Meldebescheinigung.pdf'), 'Meldebescheinigung.pdf');
    assert.equal(sanitizeFilename('a\u0000b"c\n.pdf'), 'abc.pdf');
    assert.equal(sanitizeFilename(''), 'attachment');
    assert.equal(sanitizeFilename('..'), 'attachment');
    assert.equal([...sanitizeFilename('ä'.repeat(300))].length, 255);
  });

  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    assert.equal(
      contentDisposition('Bescheinigung für Jürgen.pdf'),
      `attachment; filename="Bescheinigung f_r J_rgen.pdf"; filename*=UTF-8''Bescheinigung%20f%C3%BCr%20J%C3%BCrgen.pdf`,
    );
  });
});
