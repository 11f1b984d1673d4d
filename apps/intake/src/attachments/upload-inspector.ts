import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes file-type needs to recognise every format it knows by its header. */
export const SNIFF_BYTES = 4100;

export class UploadRefused extends Error {
  constructor(
    readonly reason: 'too-large' | 'media-type' | 'empty',
    readonly detail: { limit?: number; detected?: string } = {},
  ) {
    super(`upload refused: ${reason}`);
    this.name = 'UploadRefused';
  }
}

export interface InspectorOptions {
  /** The upload fails as soon as more bytes than this arrive. */
  maxBytes: number;
  isAllowed(mediaType: string): boolean;
  /** The media type from the first bytes, or undefined when unknown. */
  detect(head: Buffer): Promise<string | undefined>;
}

const decoderOptions = { fatal: true } as const;

/** Plain UTF-8 text without control characters other than tab, line feeds and form feed. */
export function looksLikeText(head: Buffer, complete: boolean): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', decoderOptions).decode(head, { stream: !complete });
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/**
 * Passes an upload through while counting, hashing (SHA-512) and sniffing it: the media type is decided
 * from the first bytes before any of them go on, and the stream fails the moment the size limit or the
 * allow-list is broken — nothing of a refused file is ever written past that point.
 */
export class UploadInspector extends Transform {
  size = 0;
  mediaType?: string;
  private readonly hash = createHash('sha512');
  private head: Buffer[] = [];
  private headLength = 0;
  private decided = false;

  constructor(private readonly options: InspectorOptions) {
    super();
  }

  get sha512(): string {
    return this.hash.copy().digest('hex');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) {
      callback(new UploadRefused('too-large', { limit: this.options.maxBytes }));
      return;
    }
    this.hash.update(chunk);
    if (this.decided) {
      callback(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    if (this.headLength < SNIFF_BYTES) {
      callback();
      return;
    }
    this.decide(false).then(
      (head) => callback(null, head),
      (err: unknown) => callback(err as Error),
    );
  }

  override _flush(callback: TransformCallback): void {
    if (this.size === 0) {
      callback(new UploadRefused('empty'));
      return;
    }
    if (this.decided) {
      callback();
      return;
    }
    this.decide(true).then(
      (head) => callback(null, head),
      (err: unknown) => callback(err as Error),
    );
  }

  private async decide(complete: boolean): Promise<Buffer> {
    const head = Buffer.concat(this.head);
    this.head = [];
    let type = await this.options.detect(head.subarray(0, SNIFF_BYTES));
    if (type === undefined && this.options.isAllowed('text/plain') && looksLikeText(head, complete)) {
      type = 'text/plain';
    }
    if (type === undefined || !this.options.isAllowed(type)) {
      throw new UploadRefused('media-type', { detected: type ?? 'unknown' });
    }
    this.mediaType = type;
    this.decided = true;
    return head;
  }
}

let fileTypeModule: Promise<typeof import('file-type')> | undefined;

/** file-type is ESM-only; loaded once on first use. */
export async function detectMediaType(head: Buffer): Promise<string | undefined> {
  fileTypeModule ??= import('file-type');
  const { fileTypeFromBuffer } = await fileTypeModule;
  return (await fileTypeFromBuffer(head))?.mime;
}
