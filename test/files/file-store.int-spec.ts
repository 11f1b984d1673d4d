/**
 * The one file store (libs/platform) on both backends: the filesystem, and S3 against the local stack's real
 * SeaweedFS server. The same behaviour is asserted of each: streaming in with size and SHA-512, limits and
 * checks that leave nothing behind, streaming out, deletes, and the download links of each backend.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  detectMediaType,
  FileLinks,
  type FileStore,
  FileTooLargeError,
  FilesystemFileStore,
  MediaTypeSniffer,
  UploadRefused,
  UrlSigner,
} from '@amtsbote/platform';
import { minimalPdf, testS3Store } from '@amtsbote/testing';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

async function bytesOf(stream: Readable | undefined): Promise<Buffer> {
  assert.ok(stream, 'no content under the key');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `total` pseudo-random bytes in chunks of `chunk`, counting how many the consumer pulled. */
function generated(
  total: number,
  chunk = 64 * 1024,
): { stream: Readable; pulled: () => number; all: Buffer } {
  const all = Buffer.alloc(total);
  for (let i = 0; i + 4 <= total; i += 4) all.writeUInt32LE((i * 2654435761) >>> 0, i);
  let pulled = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < total; i += chunk) {
        const part = all.subarray(i, Math.min(total, i + chunk));
        pulled += part.length;
        yield part;
      }
    })(),
  );
  return { stream, pulled: () => pulled, all };
}

const pdfOnly = () =>
  new MediaTypeSniffer({ isAllowed: (t) => t === 'application/pdf', detect: detectMediaType });

const backends: Array<{
  name: string;
  presigns: boolean;
  open(): Promise<{ store: FileStore; close(): Promise<void> }>;
}> = [
  {
    name: 'filesystem',
    presigns: false,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'amtsbote-file-store-'));
      const store = new FilesystemFileStore(dir);
      await store.init();
      return { store, close: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3 (SeaweedFS of the local stack)',
    presigns: true,
    async open() {
      const store = testS3Store('file-store-spec');
      return { store, close: async () => store.close() };
    },
  },
];

for (const backend of backends) {
  void describe(`FileStore on ${backend.name}`, () => {
    let store: FileStore;
    let close: () => Promise<void>;

    before(async () => {
      const opened = await backend.open();
      store = opened.store;
      close = () => opened.close();
    });
    after(() => close());

    void it('streams a file in, reports size and SHA-512, and streams the same bytes out', async () => {
      const key = randomUUID();
      const content = Buffer.from('Bescheid über 12,50 € für Anna Müller\n');
      const stored = await store.put(key, Readable.from([content.subarray(0, 7), content.subarray(7)]));
      assert.deepEqual(stored, { size: content.length, sha512: sha512(content) });
      assert.deepEqual(await bytesOf(await store.get(key)), content);
    });

    void it('streams a file larger than an S3 part (20 MiB) both ways', async () => {
      const key = randomUUID();
      const big = generated(20 * 1024 * 1024 + 123);
      const stored = await store.put(key, big.stream, { maxBytes: 25 * 1024 * 1024 });
      assert.equal(stored.size, big.all.length);
      assert.equal(stored.sha512, sha512(big.all));
      const out = await bytesOf(await store.get(key));
      assert.equal(out.length, big.all.length);
      assert.equal(sha512(out), stored.sha512);
      await store.delete(key);
    });

    void it('has nothing under a key never written, and deleting twice is no error', async () => {
      const key = randomUUID();
      assert.equal(await store.get(key), undefined);
      await store.put(key, Readable.from([Buffer.from('x')]));
      await store.delete(key);
      await store.delete(key);
      assert.equal(await store.get(key), undefined);
    });

    void it('refuses a file beyond maxBytes without reading the rest, and keeps nothing', async () => {
      const key = randomUUID();
      const big = generated(10 * 1024 * 1024);
      await assert.rejects(store.put(key, big.stream, { maxBytes: 100_000 }), FileTooLargeError);
      assert.ok(big.pulled() < 1024 * 1024, `pulled ${big.pulled()} bytes`);
      assert.equal(await store.get(key), undefined);
    });

    void it('lets a check see the bytes first: a refused type is never stored, an allowed one is', async () => {
      const key = randomUUID();
      const png = Buffer.concat([
        Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
        Buffer.alloc(200_000),
      ]);
      const refused = store.put(key, Readable.from([png]), { check: pdfOnly() });
      await assert.rejects(
        refused,
        (err) => err instanceof UploadRefused && err.detail.detected === 'image/png',
      );
      assert.equal(await store.get(key), undefined);

      const sniffer = pdfOnly();
      const pdf = minimalPdf('Vollmacht');
      const stored = await store.put(key, Readable.from([pdf]), {
        check: sniffer,
        mediaType: 'application/pdf',
      });
      assert.equal(sniffer.mediaType, 'application/pdf');
      assert.equal(stored.sha512, sha512(pdf));
      assert.deepEqual(await bytesOf(await store.get(key)), pdf);
    });

    void it('fails with the error of a source that breaks off and keeps nothing', async () => {
      const key = randomUUID();
      const source = new Readable({ read() {} });
      source.push(Buffer.alloc(300_000, 1));
      setTimeout(() => source.destroy(new Error('client went away')), 50);
      await assert.rejects(store.put(key, source), /client went away/);
      assert.equal(await store.get(key), undefined);
    });

    void it('refuses keys that could name anything but a file of its own', async () => {
      for (const key of ['../../etc/passwd', 'a/b/c/d/e/f', '', 'x'.repeat(200)]) {
        await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), /not a file key/);
        await assert.rejects(store.get(key), /not a file key/);
      }
    });

    void it('hands out download links: presigned by S3 when it can, else the service’s own signed URL', async () => {
      const key = randomUUID();
      const pdf = minimalPdf('Bescheid');
      await store.put(key, Readable.from([pdf]), { mediaType: 'application/pdf' });
      const signer = new UrlSigner('s'.repeat(40));
      const links = new FileLinks({
        signer,
        store,
        baseUrl: () => 'http://intake.example',
        ttlSeconds: 600,
        presign: true,
      });
      const link = await links.link({
        id: key,
        key,
        filename: 'Bescheid Müller.pdf',
        mediaType: 'application/pdf',
      });
      assert.ok(link.expiresAt.getTime() > Date.now() + 590_000);
      if (!backend.presigns) {
        assert.equal(
          await store.presignedUrl(key, { ttlSeconds: 60, filename: 'x', mediaType: 'text/plain' }),
          undefined,
        );
        const url = new URL(link.url);
        assert.equal(url.origin + url.pathname, `http://intake.example/files/${key}`);
        assert.equal(
          links.verify(
            key,
            url.searchParams.get('expires') ?? undefined,
            url.searchParams.get('signature') ?? undefined,
          ),
          'valid',
        );
        return;
      }
      const res = await fetch(link.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /filename\*=UTF-8''Bescheid%20M%C3%BCller\.pdf/,
      );
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), pdf);
      // The URL is the permission: another key, a longer life or a forged signature get nothing.
      const other = await fetch(link.url.replace(key, randomUUID()));
      assert.equal(other.status, 403);
      await other.body?.cancel();
      const longer = await fetch(link.url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800'));
      assert.equal(longer.status, 403);
      await longer.body?.cancel();
      const forged = await fetch(
        link.url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`),
      );
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
      // Presigning off: the service's own URL even with S3.
      const own = await new FileLinks({
        signer,
        store,
        baseUrl: () => 'http://intake.example',
        ttlSeconds: 600,
        presign: false,
      }).link({
        id: key,
        key,
        filename: 'x.pdf',
        mediaType: 'application/pdf',
      });
      assert.match(own.url, new RegExp(`^http://intake\\.example/files/${key}\\?expires=\\d+&signature=`));
    });

    if (backend.presigns) {
      void it('serves an expired presigned link no more', async () => {
        const key = randomUUID();
        await store.put(key, Readable.from([Buffer.from('kurz')]));
        const link = await store.presignedUrl(key, {
          ttlSeconds: 60,
          filename: 'x.txt',
          mediaType: 'text/plain',
          now: new Date(Date.now() - 120_000),
        });
        assert.ok(link);
        const res = await fetch(link.url);
        assert.equal(res.status, 403);
        await res.body?.cancel();
      });
    }
  });
}
