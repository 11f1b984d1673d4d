import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderBody } from './rich-text';

void describe('renderBody', () => {
  void it('leaves plain text alone and offers no HTML', () => {
    assert.deepEqual(renderBody('Sehr geehrte Frau Schmidt,\n5 < 6 & 7 > 3'), {
      text: 'Sehr geehrte Frau Schmidt,\n5 < 6 & 7 > 3',
      html: null,
    });
  });

  void it('sanitises HTML: no scripts, handlers, styles, images or javascript links', () => {
    const { html } = renderBody(
      '<p onclick="x()">Hallo <strong>Anna</strong></p><script>alert(1)</script><img src="https://t.example/p.gif">' +
        '<a href="javascript:alert(1)">x</a><a href="https://amt.example/info">Info</a><p style="color:red">Ende</p>',
    );
    assert.ok(html);
    assert.doesNotMatch(html, /script|onclick|<img|javascript:|style=/i);
    assert.match(html, /<p>Hallo <strong>Anna<\/strong><\/p>/);
    assert.match(
      html,
      /<a href="https:\/\/amt\.example\/info" rel="noopener noreferrer nofollow" target="_blank">Info<\/a>/,
    );
  });

  void it('derives readable plain text from HTML', () => {
    const { text } = renderBody(
      '<p>Ihr Bescheid &amp; Ihre Unterlagen:</p><ul><li>Antrag</li><li>Nachweis</li></ul>',
    );
    assert.equal(text, 'Ihr Bescheid & Ihre Unterlagen:\n• Antrag\n• Nachweis');
  });
});
