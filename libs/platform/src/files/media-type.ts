import { Transform, type TransformCallback } from 'node:stream';

/** Bytes file-type needs to recognise every format it knows by its header. */
export const SNIFF_BYTES = 4100;

const decoderOptions = { fatal: true } as const;

/**
 * Plain UTF-8 text without control characters other than tab, line feeds and form feed. `complete`: `head`
 * is the whole file (else a character cut at its end is no reason to refuse).
 */
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
 * The media type of an upload judged by its first bytes, never by what the client declares: what `detect`
 * recognises by the header (the services use `file-type`), else `text/plain` for plain text where text is
 * wanted at all, else undefined.
 */
export async function sniffMediaType(
  head: Buffer,
  complete: boolean,
  detect: (head: Buffer) => Promise<string | undefined>,
  textWanted: boolean,
): Promise<string | undefined> {
  const type = await detect(head.subarray(0, SNIFF_BYTES));
  if (type !== undefined) return type;
  return textWanted && looksLikeText(head, complete) ? 'text/plain' : undefined;
}

export class UploadRefused extends Error {
  constructor(
    readonly reason: 'too-large' | 'media-type' | 'empty',
    readonly detail: { limit?: number; detected?: string } = {},
  ) {
    super(`upload refused: ${reason}`);
    this.name = 'UploadRefused';
  }
}

export interface SnifferOptions {
  isAllowed(mediaType: string): boolean;
  /** The media type from the first bytes, or undefined when unknown (the services use `file-type`). */
  detect(head: Buffer): Promise<string | undefined>;
}

/**
 * Passes an upload through once its media type is known from its first bytes and on the allow-list: nothing
 * of a refused file goes on. Fails with UploadRefused `media-type` (or `empty` for no bytes at all).
 */
export class MediaTypeSniffer extends Transform {
  mediaType?: string;
  private head: Buffer[] = [];
  private headLength = 0;
  private seen = 0;
  private decided = false;

  constructor(private readonly sniffing: SnifferOptions) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
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
    if (this.seen === 0) {
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
    const sniffing = this.sniffing;
    const type = await sniffMediaType(
      head,
      complete,
      (bytes) => sniffing.detect(bytes),
      sniffing.isAllowed('text/plain'),
    );
    if (type === undefined || !sniffing.isAllowed(type)) {
      throw new UploadRefused('media-type', { detected: type ?? 'unknown' });
    }
    this.mediaType = type;
    this.decided = true;
    return head;
  }
}

let fileTypeModule: Promise<typeof import('file-type')> | undefined;

/**
 * The media type of a file from its first bytes, by `file-type` (ESM-only, so loaded once on first use);
 * what every service passes as `detect` to the sniffer.
 */
export async function detectMediaType(head: Buffer): Promise<string | undefined> {
  fileTypeModule ??= import('file-type');
  const { fileTypeFromBuffer } = await fileTypeModule;
  return (await fileTypeFromBuffer(head))?.mime;
}
