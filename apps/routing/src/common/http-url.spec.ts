import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpUrl } from './http-url';

describe('httpUrl (URLs in destination settings and Routing API answers)', () => {
  it('takes http and https URLs, without trailing slashes', () => {
    assert.equal(httpUrl('https://zd.example/submission-api/'), 'https://zd.example/submission-api');
    assert.equal(httpUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(httpUrl('https://zd.example//'), 'https://zd.example');
  });

  it('refuses other schemes, credentials in the URL and anything not a URL', () => {
    for (const v of [
      'ftp://zd.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:secret@zd.example/',
      'https://user@zd.example/',
      'zd.example/submission-api',
      '',
      42,
      null,
      undefined,
      { href: 'https://zd.example' },
    ])
      assert.equal(httpUrl(v), undefined, String(JSON.stringify(v)));
  });
});
