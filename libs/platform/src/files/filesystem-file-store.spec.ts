import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileTooLargeError } from './file-store';
import { FilesystemFileStore } from './filesystem-file-store';
import { detectMediaType, MediaTypeSniffer, SNIFF_BYTES, UploadRefused } from './media-type';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(20_000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/** A source of `input` that counts the bytes taken from it. */
function counted(input: Buffer[]): { source: Readable; pulled: () => number } {
  let pulled = 0;
  const source = Readable.from(
    (function* () {
      for (const c of input) {
        pulled += c.length;
        yield c;
      }
    })(),
  );
  return { source, pulled: () => pulled };
}

const sniffer = (allowed: string[]) =>
  new MediaTypeSniffer({ isAllowed: (t) => allowed.includes(t), detect: detectMediaType });

void describe('FilesystemFileStore: put with a limit and a sniffer (what an upload goes through)', () => {
  let dir: string;
  let store: FilesystemFileStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'platform-store-'));
    store = new FilesystemFileStore(dir);
    await store.init();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const nothingLeft = async (key: string) => {
    assert.equal(existsSync(join(dir, key.slice(0, 2), key)), false);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  };

  void it('stores an allowed file unchanged with its size, SHA-512 and detected type', async () => {
    const key = randomUUID();
    const check = sniffer(['application/pdf']);
    const stored = await store.put(key, Readable.from(chunks(PDF, 1000)), { maxBytes: 1_000_000, check });
    assert.deepEqual(stored, { size: PDF.length, sha512: createHash('sha512').update(PDF).digest('hex') });
    assert.equal(check.mediaType, 'application/pdf');
    const back: Buffer[] = [];
    for await (const c of (await store.get(key))!) back.push(c as Buffer);
    assert.deepEqual(Buffer.concat(back), PDF);
    assert.deepEqual([...(await collect(store.keys()))], [key]);
    await store.delete(key);
  });

  void it('fails as soon as the limit is passed, without reading the rest, and leaves nothing behind', async () => {
    const key = randomUUID();
    const { source, pulled } = counted(chunks(Buffer.concat([PDF, Buffer.alloc(1_000_000)]), 4096));
    await assert.rejects(
      store.put(key, source, { maxBytes: 30_000, check: sniffer(['application/pdf']) }),
      FileTooLargeError,
    );
    assert.ok(pulled() < 60_000, `pulled ${pulled()}`);
    await nothingLeft(key);
  });

  void it('refuses a type not on the allow-list before storing a single byte', async () => {
    const key = randomUUID();
    const png = Buffer.concat([PNG_SIGNATURE, Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(200_000)]);
    const { source, pulled } = counted(chunks(png, 512));
    await assert.rejects(
      store.put(key, source, { check: sniffer(['application/pdf']) }),
      (err) =>
        err instanceof UploadRefused && err.reason === 'media-type' && err.detail.detected === 'image/png',
    );
    // The source's and the streams' read-ahead buffers are pulled, not the 200 KB file.
    assert.ok(pulled() < SNIFF_BYTES + 64 * 1024, `pulled ${pulled()}`);
    await nothingLeft(key);
  });

  void it('decides small files at their end, and treats UTF-8 text as text/plain only where allowed', async () => {
    const text = Buffer.from('Grüße aus Bremen\n');
    const asText = sniffer(['text/plain']);
    await store.put(randomUUID(), Readable.from([text]), { check: asText });
    assert.equal(asText.mediaType, 'text/plain');
    await assert.rejects(
      store.put(randomUUID(), Readable.from([text]), { check: sniffer(['application/pdf']) }),
      (err) => err instanceof UploadRefused && err.detail.detected === 'unknown',
    );
    await assert.rejects(
      store.put(randomUUID(), Readable.from([Buffer.from([0, 1, 2, 3, 255, 254])]), {
        check: sniffer(['text/plain']),
      }),
      UploadRefused,
    );
  });

  void it('refuses an empty file through the sniffer', async () => {
    const key = randomUUID();
    await assert.rejects(
      store.put(key, Readable.from([]), { check: sniffer(['application/pdf']) }),
      (err) => err instanceof UploadRefused && err.reason === 'empty',
    );
    await nothingLeft(key);
  });

  void it('refuses keys that could leave the directory', async () => {
    await assert.rejects(store.get('../../etc/passwd'), /not a file key/);
    await assert.rejects(store.delete('..'), /not a file key/);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
