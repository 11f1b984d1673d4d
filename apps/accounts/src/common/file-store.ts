import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`file exceeds ${maxBytes} bytes`);
  }
}

export interface StoredFile {
  size: number;
  sha512: string;
}

const ID = /^[0-9a-f-]{36}$/;

/**
 * The Postkorb's own copy of files, on a file system directory (a volume in Kubernetes). Files are named by
 * their id only; names and media types live in the database. Writes go to a temporary file first and are
 * renamed into place, so a reader never sees half a file.
 */
export class FileStore {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
  }

  private pathOf(id: string): string {
    if (!ID.test(id)) throw new Error(`not a file id: ${id}`);
    return join(this.dir, id.slice(0, 2), id);
  }

  /** Streams `source` into the store, hashing and counting; throws FileTooLargeError beyond `maxBytes`. */
  async write(id: string, source: Readable, maxBytes: number): Promise<StoredFile> {
    const target = this.pathOf(id);
    const temp = join(this.dir, 'tmp', `${id}.${randomUUID()}.part`);
    const hash = createHash('sha512');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) {
          callback(new FileTooLargeError(maxBytes));
          return;
        }
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await mkdir(join(this.dir, 'tmp'), { recursive: true });
      await pipeline(source, meter, createWriteStream(temp, { flags: 'wx' }));
      await mkdir(join(this.dir, id.slice(0, 2)), { recursive: true });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { size, sha512: hash.digest('hex') };
  }

  open(id: string): ReadStream {
    return createReadStream(this.pathOf(id));
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }
}
