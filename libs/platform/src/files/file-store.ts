import type { Readable, Transform } from 'node:stream';
import type { SignedUrl } from './url-signer';

/** What a completed write reports: the bytes stored and their SHA-512 (lowercase hex). */
export interface StoredFile {
  size: number;
  sha512: string;
}

export interface PutOptions {
  /** The write fails with {@link FileTooLargeError} as soon as more bytes than this arrive. */
  maxBytes?: number;
  /**
   * Sees the bytes before they are stored (a {@link MediaTypeSniffer}, say) and fails the write with its
   * own error; nothing of a refused file is kept.
   */
  check?: Transform;
  /** Kept with the object where the backend has a place for it (S3 `Content-Type`). */
  mediaType?: string;
}

export interface PresignOptions {
  ttlSeconds: number;
  /** Shown by the backend as `Content-Disposition` and `Content-Type` of the download. */
  filename: string;
  mediaType: string;
  now?: Date;
}

/**
 * Where a service keeps file bytes, by key: names, media types and owners live in the service's database.
 * Every backend streams both ways and never holds a whole file in memory.
 */
export interface FileStore {
  /** The backend's name (`filesystem`, `s3`), for logs. */
  readonly kind: string;
  /**
   * Streams `source` in, counting and hashing. The content is visible under `key` only once the source ended
   * without error and within `maxBytes`; on any failure nothing is left behind and the promise rejects
   * (with the source's error, the check's, or {@link FileTooLargeError}). The source is not destroyed on
   * failure: the caller drains it (an HTTP upload that still wants its answer) or destroys it.
   */
  put(key: string, source: Readable, options?: PutOptions): Promise<StoredFile>;
  /** The content as a stream, or undefined when there is none under `key`. */
  get(key: string): Promise<Readable | undefined>;
  /** Removes the content; no error when it is gone already. */
  delete(key: string): Promise<void>;
  /**
   * A short-lived URL that serves the bytes straight from the backend (S3: a presigned GET), or undefined
   * when the backend has none (the filesystem: the service serves the bytes itself behind its own signed URL).
   */
  presignedUrl(key: string, options: PresignOptions): Promise<SignedUrl | undefined>;
  /** Lets go of connections at shutdown. */
  close?(): Promise<void> | void;
}

/** Injection token of the service's configured {@link FileStore}. */
export const FILE_STORE = Symbol('FILE_STORE');

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`file exceeds ${maxBytes} bytes`);
  }
}

/** Keys are ids: letters, digits and dashes (UUIDs), so no key can name a path outside the store. */
const KEY = /^[A-Za-z0-9-]{8,128}$/;

export function isFileKey(key: string): boolean {
  return KEY.test(key);
}

export function assertFileKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a file key: ${JSON.stringify(key)}`);
}
