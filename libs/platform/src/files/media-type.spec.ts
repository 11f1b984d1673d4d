import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { looksLikeText, MediaTypeSniffer, SNIFF_BYTES, sniffMediaType, UploadRefused } from './media-type';

/** A stand-in for file-type: knows PDF and PNG by their magic bytes. */
async function detect(head: Buffer): Promise<string | undefined> {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head[0] === 0x89 && head.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  return undefined;
}

async function sniff(
  input: Buffer[],
  allowed: string[],
): Promise<{ out: Buffer; sniffer: MediaTypeSniffer; error?: unknown }> {
  const sniffer = new MediaTypeSniffer({ isAllowed: (t) => allowed.includes(t), detect });
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk);
      cb();
    },
  });
  let error: unknown;
  try {
    await pipeline(Readable.from(input), sniffer, sink);
  } catch (e) {
    error = e;
  }
  return { out: Buffer.concat(out), sniffer, error };
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10_000, 0x20), Buffer.from('\n%%EOF\n')]);

describe('media type sniffing', () => {
  it('takes the type from the bytes and passes them on unchanged', async () => {
    const r = await sniff(
      [PDF.subarray(0, 100), PDF.subarray(100, 5000), PDF.subarray(5000)],
      ['application/pdf'],
    );
    assert.equal(r.error, undefined);
    assert.equal(r.sniffer.mediaType, 'application/pdf');
    assert.ok(r.out.equals(PDF));
  });

  it('refuses bytes of a type not on the allow-list, whatever they claim to be, and passes nothing on', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\u0090\u0000'), Buffer.alloc(SNIFF_BYTES * 2, 0)]);
    const r = await sniff([exe], ['application/pdf', 'text/plain']);
    assert.ok(r.error instanceof UploadRefused);
    assert.equal(r.error.reason, 'media-type');
    assert.equal(r.error.detail.detected, 'unknown');
    assert.equal(r.out.length, 0);
    const png = await sniff(
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
      ['application/pdf'],
    );
    assert.ok(png.error instanceof UploadRefused);
    assert.equal(png.error.detail.detected, 'image/png');
  });

  it('treats plain UTF-8 as text/plain only where text is allowed, and refuses an empty upload', async () => {
    const text = Buffer.from('Sehr geehrte Damen und Herren,\nanbei …\n');
    assert.equal((await sniff([text], ['text/plain'])).sniffer.mediaType, 'text/plain');
    assert.ok((await sniff([text], ['application/pdf'])).error instanceof UploadRefused);
    const empty = await sniff([], ['text/plain']);
    assert.ok(empty.error instanceof UploadRefused);
    assert.equal(empty.error.reason, 'empty');
  });

  it('recognises text with a multi-byte character cut at the sniffing boundary', async () => {
    const text = Buffer.from('ä'.repeat(3000));
    assert.equal(looksLikeText(text.subarray(0, 4101), false), true);
    assert.equal(looksLikeText(text.subarray(0, 4101), true), false);
    assert.equal(await sniffMediaType(text.subarray(0, 4101), false, detect, true), 'text/plain');
    assert.equal(await sniffMediaType(Buffer.from([0, 1, 2]), true, detect, true), undefined);
  });
});
