/**
 * The one-off move of an installation's files from the filesystem store into S3 (`npm run files:copy`),
 * against the local stack's real SeaweedFS: every file arrives under its key with the original's size and
 * SHA-512, a second run copies nothing, a different object under a key is replaced, and the command line
 * answers usage and settings mistakes without touching anything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { copyFilesystemStore, FilesystemFileStore, type S3FileStore } from '@amtsbote/platform';
import { repoRoot, s3ServiceEnv, testS3Store } from '@amtsbote/testing';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

async function bytesIn(store: S3FileStore, key: string): Promise<Buffer | undefined> {
  const stream = await store.get(key);
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A filesystem store with `count` files of different sizes (one larger than an S3 part). */
async function filledStore(count: number): Promise<{ dir: string; files: Map<string, Buffer> }> {
  const dir = await mkdtemp(join(tmpdir(), 'amtsbote-files-copy-'));
  const store = new FilesystemFileStore(dir);
  await store.init();
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const key = randomUUID();
    const content =
      i === 0
        ? Buffer.alloc(9 * 1024 * 1024 + 17, i + 1)
        : Buffer.from(`Anlage ${i} für Vorgang ${key}\n`.repeat(200 * (i + 1)));
    files.set(key, content);
    await store.put(key, Readable.from([content]));
  }
  // What the old intake store left of an interrupted write: no file, never copied.
  const first = [...files.keys()][0];
  await writeFile(join(dir, first.slice(0, 2), `${first}.part`), 'half');
  return { dir, files };
}

async function assertAllCopied(target: S3FileStore, files: Map<string, Buffer>): Promise<void> {
  for (const [key, content] of files) {
    const copy = await bytesIn(target, key);
    assert.ok(copy, `${key} is in S3`);
    assert.equal(copy.length, content.length);
    assert.equal(sha512(copy), sha512(content));
  }
}

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const cli = join(repoRoot(), 'libs', 'platform', 'dist', 'src', 'cli', 'copy-files.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

void describe('moving a filesystem store into S3 (copyFilesystemStore)', () => {
  let dir: string;
  let files: Map<string, Buffer>;
  let target: S3FileStore;

  before(async () => {
    ({ dir, files } = await filledStore(5));
    target = testS3Store('files-copy-spec');
  });
  after(async () => {
    target.close();
    await rm(dir, { recursive: true, force: true });
  });

  void it('copies every file under its key with the original size and SHA-512', async () => {
    const lines: string[] = [];
    const report = await copyFilesystemStore(dir, target, (l) => lines.push(l));
    const total = [...files.values()].reduce((n, b) => n + b.length, 0);
    assert.deepEqual(report, { copied: 5, skipped: 0, bytes: total, failed: [] });
    await assertAllCopied(target, files);
    assert.equal(lines.length, 5);
  });

  void it('copies nothing on a second run, and replaces an object that differs from the original', async () => {
    assert.deepEqual(await copyFilesystemStore(dir, target), {
      copied: 0,
      skipped: 5,
      bytes: 0,
      failed: [],
    });
    // Same size, other bytes: only the SHA-512 tells them apart.
    const [key, content] = [...files.entries()][2];
    const tampered = Buffer.from(content);
    tampered[10] ^= 0xff;
    await target.put(key, Readable.from([tampered]));
    await target.delete([...files.keys()][3]);
    const again = await copyFilesystemStore(dir, target);
    assert.deepEqual(again, {
      copied: 2,
      skipped: 3,
      bytes: content.length + [...files.values()][3].length,
      failed: [],
    });
    await assertAllCopied(target, files);
  });
});

void describe('npm run files:copy (the command line)', () => {
  let dir: string;
  let files: Map<string, Buffer>;
  const env = s3ServiceEnv('files-copy-cli');

  before(async () => ({ dir, files } = await filledStore(3)));
  after(() => rm(dir, { recursive: true, force: true }));

  void it('copies into the store the environment names, and a re-run finds everything there', async () => {
    const first = await runCli(['intake', dir], env);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^3 copied \(\d+ bytes\), 0 already there, 0 failed$/m);
    const target = testS3Store('files-copy-cli', env);
    try {
      await assertAllCopied(target, files);
    } finally {
      target.close();
    }
    const second = await runCli(['intake', dir], env);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /^0 copied \(0 bytes\), 3 already there, 0 failed$/m);
  });

  void it('answers usage and settings mistakes with their own exit codes and copies nothing', async () => {
    const env = s3ServiceEnv('files-copy-cli-mistakes');
    const usage = await runCli(['intake'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /Usage: npm run files:copy/);
    const noDir = await runCli(['intake', join(dir, 'nope')], env);
    assert.equal(noDir.code, 2);
    assert.match(noDir.err, /is not a directory/);
    const filesystem = await runCli(['intake', dir], { ...env, FILE_STORE: 'filesystem' });
    assert.equal(filesystem.code, 2);
    assert.match(filesystem.err, /FILE_STORE=s3/);
    const { FILE_STORE_S3_BUCKET: _bucket, ...noBucket } = env;
    const bad = await runCli(['intake', dir], noBucket);
    assert.equal(bad.code, 78);
    assert.match(bad.err, /FILE_STORE_S3_BUCKET/);
    const target = testS3Store('files-copy-cli', env);
    try {
      for (const key of files.keys()) assert.equal(await target.get(key), undefined);
    } finally {
      target.close();
    }
  });
});
