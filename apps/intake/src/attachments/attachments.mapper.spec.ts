import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentDisposition } from './attachments.mapper';

describe('file names', () => {
  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    assert.equal(
      contentDisposition('Bescheinigung für Jürgen.pdf'),
      `attachment; filename="Bescheinigung f_r J_rgen.pdf"; filename*=UTF-8''Bescheinigung%20f%C3%BCr%20J%C3%BCrgen.pdf`,
    );
  });
});
