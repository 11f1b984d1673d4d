import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { SNIFF_BYTES, UploadRefused } from '@amtsbote/platform';
import { detectMediaType, UploadInspector } from './upload-inspector';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/** Runs `input` through an inspector; returns what came out and the inspector (or the error). */
async function inspect(
  input: Buffer[],
  maxBytes: number,
  allowed: string[],
): Promise<{ out: Buffer; inspector: UploadInspector; error?: unknown; pulled: number }> {
  const inspector = new UploadInspector({
    maxBytes,
    isAllowed: (t) => allowed.includes(t),
    detect: detectMediaType,
  });
  const parts: Buffer[] = [];
  let pulled = 0;
  const source = Readable.from(
    (function* () {
      for (const c of input) {
        pulled += c.length;
        yield c;
      }
    })(),
  );
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      cb();
    },
  });
  try {
    await pipeline(source, inspector, sink);
    return { out: Buffer.concat(parts), inspector, pulled };
  } catch (error) {
    return { out: Buffer.concat(parts), inspector, error, pulled };
  }
}

describe('UploadInspector', () => {
  it('passes an allowed file through unchanged with its size, SHA-512 and detected type', async () => {
    const r = await inspect(chunks(PDF, 1000), 1_000_000, ['application/pdf']);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.out, PDF);
    assert.equal(r.inspector.size, PDF.length);
    assert.equal(r.inspector.mediaType, 'application/pdf');
    assert.equal(r.inspector.sha512, createHash('sha512').update(PDF).digest('hex'));
  });

  it('fails as soon as the limit is passed, without reading the rest', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(1_000_000)]);
    const r = await inspect(chunks(big, 4096), 30_000, ['application/pdf']);
    assert.ok(r.error instanceof UploadRefused);
    assert.equal(r.error.reason, 'too-large');
    assert.ok(r.pulled < 60_000, `pulled ${r.pulled}`);
    assert.ok(r.out.length <= 30_000);
  });

  it('refuses a type not on the allow-list before passing on a single byte', async () => {
    const png = Buffer.concat([PNG_SIGNATURE, Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(200_000)]);
    const r = await inspect(chunks(png, 512), 1_000_000, ['application/pdf']);
    assert.ok(r.error instanceof UploadRefused);
    assert.equal(r.error.reason, 'media-type');
    assert.equal(r.error.detail.detected, 'image/png');
    assert.equal(r.out.length, 0);
    // The source's and the stream's read-ahead buffers (16 KiB) are pulled, not the 200 KB file.
    assert.ok(r.pulled < SNIFF_BYTES + 32 * 1024, `pulled ${r.pulled}`);
  });

  it('decides small files at their end, and treats UTF-8 text as text/plain only where allowed', async () => {
    const text = Buffer.from('Grüße aus Bremen\n');
    const asText = await inspect([text], 1000, ['text/plain']);
    assert.equal(asText.inspector.mediaType, 'text/plain');
    const refused = await inspect([text], 1000, ['application/pdf']);
    assert.ok(refused.error instanceof UploadRefused);
    assert.equal(refused.error.detail.detected, 'unknown');
    const binary = await inspect([Buffer.from([0, 1, 2, 3, 255, 254])], 1000, ['text/plain']);
    assert.ok(binary.error instanceof UploadRefused);
  });

  it('refuses an empty file', async () => {
    const r = await inspect([], 1000, ['application/pdf']);
    assert.ok(r.error instanceof UploadRefused);
    assert.equal(r.error.reason, 'empty');
  });
});
