import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentDisposition } from './content-disposition';

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

  void it('never lets quotes, percent signs, non-ASCII characters or line breaks break the header', () => {
    const header = contentDisposition('a"b%c€d\r\nSet-Cookie: x.pdf');
    assert.doesNotMatch(header, /[\r\n]/);
    assert.match(header, /^attachment; filename="ab_c_dSet-Cookie: x.pdf"; filename\*=UTF-8''/);
    assert.match(header, /filename\*=UTF-8''ab%25c%E2%82%ACdSet-Cookie%3A%20x\.pdf$/);
  });

  void it('encodes characters RFC 8187 does not allow unencoded', () => {
    assert.match(
      contentDisposition("Müller's (1)*.pdf"),
      /filename\*=UTF-8''M%C3%BCller%27s%20%281%29%2A\.pdf$/,
    );
  });

  void it('names the file by its cleaned name: no path, no bidi controls, never empty', () => {
    assert.equal(contentDisposition('../../etc/passwd'), 'attachment; filename="passwd"');
    assert.equal(contentDisposition('rechnung\u202Efdp.exe'), 'attachment; filename="rechnungfdp.exe"');
    assert.equal(contentDisposition('  '), 'attachment; filename="download"');
    assert.equal(contentDisposition('..'), 'attachment; filename="download"');
  });
});
