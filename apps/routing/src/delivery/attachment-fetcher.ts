import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import type { AttachmentRecord } from '../messages/messages.types';

export class AttachmentError extends Error {
  override name = 'AttachmentError';
  constructor(
    message: string,
    /** Retrying cannot help (gone, refused, content not as announced). */
    readonly permanent: boolean,
    /** The origin of the attachment's URL (its owner, e.g. intake), when it was asked. */
    readonly source?: string,
  ) {
    super(message);
  }
}

/** The dependency an attachment's retry waits for: the origin that serves it. */
export function sourceOf(url: string): string {
  return `source:${new URL(url).origin}`;
}

/**
 * Fetches an attachment once from its owner's short-lived signed URL, checks size and SHA-512 against the
 * reference, and returns the bytes for routing's own copy.
 */
@Injectable()
export class AttachmentFetcher {
  constructor(private readonly settings: RoutingSettings) {}

  async fetch(a: AttachmentRecord, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
    if (a.sourceUrl === null)
      throw new AttachmentError(`attachment ${a.attachmentId} has no source any more`, true);
    if (a.size > maxBytes) {
      throw new AttachmentError(
        `attachment ${a.filename} has ${a.size} bytes; the destination accepts ${maxBytes}`,
        true,
      );
    }
    const timeout = AbortSignal.timeout(this.settings.config.ROUTING_ATTACHMENT_FETCH_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(a.sourceUrl, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
    } catch (err) {
      throw new AttachmentError(
        `fetching attachment ${a.attachmentId} failed: ${(err as Error).message}`,
        false,
        sourceOf(a.sourceUrl),
      );
    }
    if (!response.ok) {
      const permanent =
        response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      await response.body?.cancel();
      throw new AttachmentError(
        `fetching attachment ${a.attachmentId} answered HTTP ${response.status}`,
        permanent,
        sourceOf(a.sourceUrl),
      );
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > a.size) {
      await response.body?.cancel();
      throw new AttachmentError(
        `attachment ${a.attachmentId} is larger than announced (${declared} > ${a.size})`,
        true,
      );
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length !== a.size) {
      throw new AttachmentError(
        `attachment ${a.attachmentId} has ${bytes.length} bytes, announced were ${a.size}`,
        true,
      );
    }
    const sha512 = createHash('sha512').update(bytes).digest('hex');
    if (sha512 !== a.sha512)
      throw new AttachmentError(`attachment ${a.attachmentId} does not match its SHA-512`, true);
    return bytes;
  }
}
