import type { FileStore } from './file-store';
import type { SignedUrl, UrlSigner, Verdict } from './url-signer';

export interface FileLinksOptions {
  signer: UrlSigner;
  store: FileStore;
  /** The service's public base URL (its own download URLs start with it). */
  baseUrl: () => string;
  ttlSeconds: number;
  /** Let the store serve the bytes through its presigned URLs where it has them (S3). */
  presign: boolean;
}

/** A file as a link describes it: the id in the service's `/files/<id>`, and where the store keeps it. */
export interface LinkedFile {
  id: string;
  key: string;
  filename: string;
  mediaType: string;
}

/**
 * The short-lived download URLs a service hands to another (`fileReference.url` in events): a presigned URL
 * of the object store when it has them and presigning is on, else the service's own `/files/<id>` URL,
 * HMAC-signed over id and expiry ({@link UrlSigner}). Either way the URL is the permission, and it expires.
 */
export class FileLinks {
  constructor(private readonly o: FileLinksOptions) {}

  async link(file: LinkedFile, now: Date = new Date()): Promise<SignedUrl> {
    if (this.o.presign) {
      const presigned = await this.o.store.presignedUrl(file.key, {
        ttlSeconds: this.o.ttlSeconds,
        filename: file.filename,
        mediaType: file.mediaType,
        now,
      });
      if (presigned) return presigned;
    }
    return this.o.signer.sign(this.o.baseUrl(), file.id, this.o.ttlSeconds, now);
  }

  /** Checks a URL of this service's own `/files/<id>` (presigned ones never come back here). */
  verify(fileId: string, expires: string | undefined, signature: string | undefined, now?: Date): Verdict {
    return this.o.signer.verify(fileId, expires, signature, now);
  }
}
