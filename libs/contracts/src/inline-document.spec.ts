import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  fromInlineDocument,
  inlineDocument,
  MAX_INLINE_GZIP_BASE64,
  sha256Hex,
  toInlineDocument,
} from './inline-document';

describe('inline documents (gzip, base64) in events', () => {
  it('round-trips a document and names its size and hash', () => {
    const xml = `<?xml version="1.0"?><a>${'Größe '.repeat(10_000)}</a>`;
    const doc = toInlineDocument(xml);
    assert.equal(doc.bytes, Buffer.byteLength(xml));
    assert.equal(doc.sha256, sha256Hex(xml));
    assert.ok(doc.gzip.length < doc.bytes / 20, 'repetitive XML compresses well');
    assert.equal(inlineDocument.safeParse(doc).success, true);
    assert.equal(fromInlineDocument(doc).toString('utf8'), xml);
  });

  it('inflates no more than announced, and refuses content that does not match its hash', () => {
    const bomb = {
      gzip: gzipSync(Buffer.alloc(50 * 1024 * 1024)).toString('base64'),
      bytes: 10,
      sha256: '0'.repeat(64),
    };
    assert.throws(() => fromInlineDocument(bomb), RangeError);
    const doc = toInlineDocument('<a>original</a>');
    assert.throws(() => fromInlineDocument({ ...doc, sha256: sha256Hex('<a>other</a>') }), /SHA-256/);
    assert.throws(() => fromInlineDocument({ ...doc, bytes: doc.bytes + 1 }), /announced size/);
  });

  it('bounds the compressed text by the contract', () => {
    const tooLarge = { gzip: 'A'.repeat(MAX_INLINE_GZIP_BASE64 + 4), bytes: 1, sha256: '0'.repeat(64) };
    assert.equal(inlineDocument.safeParse(tooLarge).success, false);
    assert.equal(
      inlineDocument.safeParse({ gzip: 'not base64!', bytes: 1, sha256: '0'.repeat(64) }).success,
      false,
    );
  });
});
