import { createHash } from 'node:crypto';
import type { TransformCallback } from 'node:stream';
import { MediaTypeSniffer, type SnifferOptions, UploadRefused } from '@amtsbote/platform';

export interface InspectorOptions extends SnifferOptions {
  /** The upload fails as soon as more bytes than this arrive. */
  maxBytes: number;
}

/**
 * Passes an upload through while counting, hashing (SHA-512) and sniffing it: the media type is decided
 * from the first bytes before any of them go on, and the stream fails the moment the size limit or the
 * allow-list is broken — nothing of a refused file is ever written past that point.
 */
export class UploadInspector extends MediaTypeSniffer {
  size = 0;
  private readonly hash = createHash('sha512');

  constructor(private readonly options: InspectorOptions) {
    super(options);
  }

  get sha512(): string {
    return this.hash.copy().digest('hex');
  }

  override _transform(chunk: Buffer, enc: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) {
      callback(new UploadRefused('too-large', { limit: this.options.maxBytes }));
      return;
    }
    this.hash.update(chunk);
    super._transform(chunk, enc, callback);
  }
}

let fileTypeModule: Promise<typeof import('file-type')> | undefined;

/** file-type is ESM-only; loaded once on first use. */
export async function detectMediaType(head: Buffer): Promise<string | undefined> {
  fileTypeModule ??= import('file-type');
  const { fileTypeFromBuffer } = await fileTypeModule;
  return (await fileTypeFromBuffer(head))?.mime;
}
