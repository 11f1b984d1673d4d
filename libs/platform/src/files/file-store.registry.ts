import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FileStore } from './file-store';
import type { FileStoreSettings } from './file-store.config';
import { FilesystemFileStore } from './filesystem-file-store';
import { S3FileStore, type S3Settings } from './s3-file-store';

/** What a backend gets besides the validated settings: whose files, and the service's own directory. */
export interface FileStoreContext {
  /** The service (`intake`, …): the default key prefix in a shared bucket and the temp-dir fallback. */
  service: string;
  /** The service's storage directory setting (INTAKE_STORAGE_DIR, …), for the filesystem backend. */
  directory?: string;
}

/** One way of keeping files; a new backend is a class implementing {@link FileStore} and one entry below. */
export interface FileStoreBackend {
  create(config: FileStoreSettings, context: FileStoreContext): Promise<FileStore>;
}

/** The S3 settings of a validated config (the config schema guarantees the bucket when FILE_STORE=s3). */
export function s3Settings(c: FileStoreSettings, service: string): S3Settings {
  if (c.FILE_STORE_S3_BUCKET === undefined) throw new Error('FILE_STORE_S3_BUCKET is not set');
  return {
    endpoint: c.FILE_STORE_S3_ENDPOINT,
    region: c.FILE_STORE_S3_REGION,
    bucket: c.FILE_STORE_S3_BUCKET,
    prefix: c.FILE_STORE_S3_PREFIX ?? `${service}/`,
    credentials:
      c.FILE_STORE_S3_ACCESS_KEY_ID !== undefined && c.FILE_STORE_S3_SECRET_ACCESS_KEY !== undefined
        ? { accessKeyId: c.FILE_STORE_S3_ACCESS_KEY_ID, secretAccessKey: c.FILE_STORE_S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: c.FILE_STORE_S3_FORCE_PATH_STYLE,
  };
}

/** The backends by the name FILE_STORE selects (like payment's providers: an interface and a registry). */
export const FILE_STORE_BACKENDS = {
  filesystem: {
    async create(_config, { service, directory }) {
      const store = new FilesystemFileStore(directory ?? path.join(tmpdir(), `amtsbote-${service}-files`));
      await store.init();
      return store;
    },
  },
  s3: {
    async create(config, { service }) {
      return new S3FileStore(s3Settings(config, service));
    },
  },
} satisfies Record<string, FileStoreBackend>;

export type FileStoreKind = keyof typeof FILE_STORE_BACKENDS;

export const FILE_STORE_KINDS = Object.keys(FILE_STORE_BACKENDS) as [FileStoreKind, ...FileStoreKind[]];

/** The store FILE_STORE names, built from the service's validated config. */
export function createFileStore(
  config: FileStoreSettings & { FILE_STORE: FileStoreKind },
  context: FileStoreContext,
): Promise<FileStore> {
  const backend: FileStoreBackend = FILE_STORE_BACKENDS[config.FILE_STORE];
  return backend.create(config, context);
}
