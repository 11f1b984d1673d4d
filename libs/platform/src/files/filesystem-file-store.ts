import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { assertFileKey, type FileStore, isFileKey, type PutOptions, type StoredFile } from './file-store';
import { meteredWrite } from './metered';

/**
 * Files under one directory (development, or a volume in Kubernetes — one replica, or a ReadWriteMany
 * volume), fanned out by the first two characters of the key: `<dir>/<k[0..1]>/<key>`. A write goes to
 * `<dir>/tmp/` first, is fsynced and renamed into place, so a reader never sees half a file.
 */
export class FilesystemFileStore implements FileStore {
  readonly kind = 'filesystem';

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(path.join(this.dir, 'tmp'), { recursive: true });
  }

  private pathOf(key: string): string {
    assertFileKey(key);
    return path.join(this.dir, key.slice(0, 2), key);
  }

  async put(key: string, source: Readable, options?: PutOptions): Promise<StoredFile> {
    const target = this.pathOf(key);
    const temp = path.join(this.dir, 'tmp', `${key}.${randomUUID()}.part`);
    try {
      await mkdir(path.dirname(temp), { recursive: true });
      const stored = await meteredWrite(
        source,
        createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
        options,
      );
      const handle = await open(temp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
      return stored;
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Opens the file first, so a missing file is known here rather than in the middle of a response. */
  async get(key: string): Promise<Readable | undefined> {
    const handle = await open(this.pathOf(key), 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    return handle?.createReadStream({ autoClose: true });
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  async presignedUrl(): Promise<undefined> {
    return undefined;
  }

  /** Every key in the store (for the one-off move to another backend). */
  async *keys(): AsyncGenerator<string> {
    const fanOut = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    for (const entry of fanOut) {
      if (!entry.isDirectory() || entry.name.length !== 2) continue;
      for (const file of await readdir(path.join(this.dir, entry.name))) {
        if (file.startsWith(entry.name) && isFileKey(file)) yield file;
      }
    }
  }
}
