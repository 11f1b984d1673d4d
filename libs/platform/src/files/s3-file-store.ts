import { PassThrough, Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from './content-disposition';
import {
  assertFileKey,
  type FileStore,
  type PresignOptions,
  type PutOptions,
  type StoredFile,
} from './file-store';
import { meteredWrite } from './metered';
import type { SignedUrl } from './url-signer';

export interface S3Settings {
  /** e.g. `https://s3.eu-central-1.amazonaws.com` or an in-cluster MinIO/SeaweedFS/Ceph; default: AWS. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Put in front of every key, so services (or installations) can share a bucket: `intake/`. */
  prefix: string;
  /** Both or neither; without them the SDK's default chain (web identity, instance role) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (most S3-compatible servers want it). */
  forcePathStyle: boolean;
}

/** Parts of a multipart upload; at most `QUEUE` of them are held in memory per upload. */
const PART_BYTES = 8 * 1024 * 1024;
const QUEUE = 2;
/** SigV4 presigned URLs live at most a week. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function notFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404)
  );
}

/**
 * Files as objects of an S3-compatible object store (production: any number of replicas, no shared volume).
 * Uploads stream: a small file is one PutObject, a larger one a multipart upload of 8 MiB parts that is
 * aborted if the stream fails, so an object exists only once complete.
 */
export class S3FileStore implements FileStore {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: settings.credentials,
      // Checksums only where S3 requires them: not every S3-compatible server knows the newer trailers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private objectKey(key: string): string {
    assertFileKey(key);
    return `${this.settings.prefix}${key}`;
  }

  async put(key: string, source: Readable, options?: PutOptions): Promise<StoredFile> {
    const body = new PassThrough();
    const upload = new Upload({
      client: this.client,
      queueSize: QUEUE,
      partSize: PART_BYTES,
      leavePartsOnError: false,
      params: {
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        Body: body,
        ContentType: options?.mediaType ?? 'application/octet-stream',
      },
    });
    // A failed upload stops reading the body: end the write too instead of waiting on back-pressure.
    const uploaded = upload.done().catch((err: unknown) => {
      body.destroy(err as Error);
      throw err;
    });
    let stored: StoredFile;
    try {
      stored = await meteredWrite(source, body, options);
    } catch (err) {
      // The body failed: the upload sees it and aborts; nothing is visible under the key.
      await uploaded.catch(() => undefined);
      throw err;
    }
    await uploaded;
    return stored;
  }

  async get(key: string): Promise<Readable | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
      );
      if (res.Body instanceof Readable) return res.Body;
      throw new Error('the S3 client returned no stream');
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
    );
  }

  async presignedUrl(key: string, o: PresignOptions): Promise<SignedUrl> {
    const seconds = Math.min(o.ttlSeconds, MAX_PRESIGN_SECONDS);
    const now = o.now ?? new Date();
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.objectKey(key),
      ResponseContentType: o.mediaType,
      ResponseContentDisposition: contentDisposition(o.filename),
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: seconds, signingDate: now });
    return { url, expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000) };
  }

  /** Creates the bucket unless it exists (the local stack; in production the operator creates it). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (err) {
      if (!notFound(err)) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.settings.bucket }));
    }
  }

  close(): void {
    this.client.destroy();
  }
}
