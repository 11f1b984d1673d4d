import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentStore } from './attachment-store';

const KEY = /^[A-Za-z0-9-]{8,128}$/;

/**
 * Attachments as files under one directory (a persistent volume in Kubernetes), fanned out by the first
 * two characters of the key. Writes go to a temporary name, are fsynced and renamed, so a reader never sees
 * half a file.
 */
export class FilesystemAttachmentStore implements AttachmentStore {
  readonly kind = 'filesystem';

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return path.join(this.root, key.slice(0, 2), key);
  }

  async write(key: string, content: Readable): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.part`;
    try {
      await pipeline(content, createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
      const fh = await open(temp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, target);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  async read(key: string): Promise<Readable | undefined> {
    const file = this.pathOf(key);
    const fh = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!fh) return undefined;
    return fh.createReadStream({ autoClose: true });
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
