import type { Readable } from 'node:stream';

/**
 * Where attachment bytes live. The filesystem store is the default; an S3-compatible store implements the
 * same four methods (multipart upload from the stream, GetObject, DeleteObject) and can hand out presigned
 * URLs instead of intake's own signed ones.
 */
export interface AttachmentStore {
  /** Short name for logs and metrics, e.g. `filesystem`, `s3`. */
  readonly kind: string;
  /**
   * Writes the stream under `key`. Visible under `key` only after the stream ended without error; if the
   * stream fails, nothing is left behind and the promise rejects with the stream's error.
   */
  write(key: string, content: Readable): Promise<void>;
  /** The content, or undefined when there is none under `key`. */
  read(key: string): Promise<Readable | undefined>;
  /** Removes the content; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

/** Injection token of the configured {@link AttachmentStore}. */
export const ATTACHMENT_STORE = Symbol('ATTACHMENT_STORE');
