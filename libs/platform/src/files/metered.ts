import { createHash } from 'node:crypto';
import { type Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileTooLargeError, type PutOptions, type StoredFile } from './file-store';

/**
 * The common front of every backend's `put`: streams `source` through a counter and SHA-512 hash (failing
 * beyond `maxBytes`) and the optional check into `sink`, and resolves once the sink has everything. An error
 * of the source fails the write; the source itself is only detached, never destroyed (it stays the caller's).
 */
export async function meteredWrite(
  source: Readable,
  sink: Writable,
  options: PutOptions = {},
): Promise<StoredFile> {
  const hash = createHash('sha512');
  const limit = options.maxBytes ?? Number.POSITIVE_INFINITY;
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        callback(new FileTooLargeError(limit));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const written = options.check ? pipeline(counter, options.check, sink) : pipeline(counter, sink);
  const onSourceError = (err: Error) => counter.destroy(err);
  source.once('error', onSourceError);
  source.pipe(counter);
  try {
    await written;
  } finally {
    source.unpipe(counter);
    source.off('error', onSourceError);
  }
  return { size, sha512: hash.digest('hex') };
}
