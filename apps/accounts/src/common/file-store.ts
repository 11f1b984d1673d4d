import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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

  /**
   * Streams `source` into the store, hashing and counting; throws FileTooLargeError beyond `maxBytes`.
   * `check` (e.g. a media-type sniffer) sees the bytes before they are written and fails the write with its
   * own error. The source is not destroyed on failure: the caller drains it (an HTTP upload, to still
   * answer) or destroys it (a download it no longer wants).
   */
  async write(id: string, source: Readable, maxBytes: number, check?: Transform): Promise<StoredFile> {
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
      const file = createWriteStream(temp, { flags: 'wx' });
      const written = check ? pipeline(meter, check, file) : pipeline(meter, file);
      const onSourceError = (err: Error) => meter.destroy(err);
      source.once('error', onSourceError);
      source.pipe(meter);
      try {
        await written;
      } finally {
        source.unpipe(meter);
        source.off('error', onSourceError);
      }
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

  /** Opens the file first, so a missing file fails here rather than in the middle of a response. */
  async read(id: string): Promise<ReadStream> {
    const handle = await open(this.pathOf(id), 'r');
    return handle.createReadStream();
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }
}
