import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MediaTypeSniffer, UploadRefused } from '@amtsbote/platform';
import { minimalPdf } from '@amtsbote/testing';
import { FileStore, FileTooLargeError } from './file-store';
import { detectMediaType } from './media-type';

void describe('FileStore', () => {
  let dir: string;
  let store: FileStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accounts-store-'));
    store = new FileStore(dir);
    await store.init();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  void it('stores a stream and reports size and SHA-512', async () => {
    const id = randomUUID();
    const content = Buffer.from('Bescheid über 12,50 €');
    const stored = await store.write(id, Readable.from([content.subarray(0, 5), content.subarray(5)]), 1000);
    assert.equal(stored.size, content.length);
    assert.equal(stored.sha512, createHash('sha512').update(content).digest('hex'));
    const chunks: Buffer[] = [];
    for await (const chunk of store.open(id)) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), content);
    await store.remove(id);
    await assert.rejects(readFile(join(dir, id.slice(0, 2), id)));
  });

  void it('refuses a file beyond the limit and leaves nothing behind', async () => {
    const id = randomUUID();
    await assert.rejects(
      store.write(id, Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000),
      FileTooLargeError,
    );
    assert.equal(existsSync(join(dir, id.slice(0, 2), id)), false);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });

  void it('lets a check see the bytes first: its refusal fails the write and leaves nothing behind', async () => {
    const sniffed = new MediaTypeSniffer({
      isAllowed: (t) => t === 'application/pdf',
      detect: detectMediaType,
    });
    const pdf = minimalPdf('Vollmacht');
    const ok = randomUUID();
    await store.write(ok, Readable.from([pdf]), 100_000, sniffed);
    assert.equal(sniffed.mediaType, 'application/pdf');
    await store.remove(ok);

    const id = randomUUID();
    const exe = Buffer.concat([Buffer.from('MZ\u0090\u0000'), Buffer.alloc(10_000, 0)]);
    const check = new MediaTypeSniffer({
      isAllowed: (t) => t === 'application/pdf',
      detect: detectMediaType,
    });
    await assert.rejects(store.write(id, Readable.from([exe]), 100_000, check), UploadRefused);
    assert.equal(existsSync(join(dir, id.slice(0, 2), id)), false);
    assert.deepEqual(await readdir(join(dir, 'tmp')), []);
  });

  void it('refuses ids that could leave the directory', () => {
    assert.throws(() => store.open('../../etc/passwd'), /not a file id/);
  });
});
