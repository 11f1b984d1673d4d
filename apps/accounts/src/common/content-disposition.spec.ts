import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanFilename, contentDisposition } from './content-disposition';

void describe('contentDisposition', () => {
  void it('keeps a plain ASCII name as a quoted filename only', () => {
    assert.equal(contentDisposition('Bescheid.pdf'), 'attachment; filename="Bescheid.pdf"');
  });

  void it('adds filename* with UTF-8 percent-encoding for umlauts and an ASCII fallback', () => {
    assert.equal(
      contentDisposition('Bescheid Müller ß.pdf'),
      `attachment; filename="Bescheid Mueller ss.pdf"; filename*=UTF-8''Bescheid%20M%C3%BCller%20%C3%9F.pdf`,
    );
  });

  void it('never lets quotes, backslashes, percent signs or line breaks break the header', () => {
    const header = contentDisposition('a"b\\c%d\r\nSet-Cookie: x.pdf');
    assert.doesNotMatch(header, /[\r\n]/);
    assert.match(header, /^attachment; filename="a_b_c_dSet-Cookie: x.pdf"; filename\*=UTF-8''/);
    assert.match(header, /filename\*=UTF-8''a%22b_c%25dSet-Cookie%3A%20x\.pdf$/);
  });

  void it('encodes characters RFC 8187 does not allow unencoded', () => {
    assert.match(
      contentDisposition("Müller's (1)*.pdf"),
      /filename\*=UTF-8''M%C3%BCller%27s%20%281%29%2A\.pdf$/,
    );
  });

  void it('cleans path separators and empty names', () => {
    assert.equal(cleanFilename('../../etc/passwd'), '.._.._etc_passwd');
    assert.equal(cleanFilename('  '), 'download');
    assert.equal(cleanFilename('..'), 'download');
  });
});
