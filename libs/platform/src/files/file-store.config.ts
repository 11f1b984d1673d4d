import { z } from 'zod';
import { env } from '../config';
import { FILE_STORE_KINDS, type FileStoreKind } from './file-store.registry';

/**
 * The file-store settings every service that keeps files reads (spread into its config schema; check them
 * with {@link checkFileStoreConfig} in its `superRefine`). The filesystem directory stays the service's own
 * setting (INTAKE_STORAGE_DIR, ACCOUNTS_STORAGE_DIR, ROUTING_STORAGE_DIR).
 */
const settingsShape = {
  /** S3 endpoint (MinIO, SeaweedFS, Ceph, a cloud's); unset: AWS's endpoint of the region. */
  FILE_STORE_S3_ENDPOINT: env.url().optional(),
  FILE_STORE_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Required with FILE_STORE=s3; created by the operator. */
  FILE_STORE_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .optional(),
  /** Put before every key, so services can share a bucket; default `<service>/`. */
  FILE_STORE_S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'path segments ending in /, e.g. amtsbote/intake/')
    .optional(),
  /** Static credentials (both or neither); without them the SDK's chain (web identity, instance role). */
  FILE_STORE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  FILE_STORE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (`https://host/bucket/key`), which most S3-compatible servers need. */
  FILE_STORE_S3_FORCE_PATH_STYLE: env.bool().prefault('true'),
  /**
   * With S3, hand out presigned URLs of the object store instead of the service's own signed `/files/<id>`
   * URLs, so the store serves the bytes. Turn off when the consumers cannot reach the store's endpoint.
   */
  FILE_STORE_PRESIGNED_URLS: env.bool().prefault('true'),
} as const;

export const fileStoreConfigShape = {
  /** Where the bytes live: `filesystem` (development, one replica or a ReadWriteMany volume) or `s3`. */
  FILE_STORE: z.enum(FILE_STORE_KINDS).default('filesystem'),
  ...settingsShape,
} as const;

/** The backends' settings (without the choice of backend). */
export type FileStoreSettings = z.infer<z.ZodObject<typeof settingsShape>>;
export type FileStoreConfig = FileStoreSettings & { FILE_STORE: FileStoreKind };

/** The cross-field rules: S3 needs a bucket, and credentials come in pairs. */
export function checkFileStoreConfig(c: FileStoreConfig, ctx: z.RefinementCtx): void {
  if (c.FILE_STORE === 's3' && c.FILE_STORE_S3_BUCKET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['FILE_STORE_S3_BUCKET'],
      message: 'is required with FILE_STORE=s3',
    });
  }
  const id = c.FILE_STORE_S3_ACCESS_KEY_ID !== undefined;
  const secret = c.FILE_STORE_S3_SECRET_ACCESS_KEY !== undefined;
  if (id !== secret) {
    ctx.addIssue({
      code: 'custom',
      path: [id ? 'FILE_STORE_S3_SECRET_ACCESS_KEY' : 'FILE_STORE_S3_ACCESS_KEY_ID'],
      message: 'is required together with the other of the two S3 credentials',
    });
  }
}
