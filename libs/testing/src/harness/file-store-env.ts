import { randomBytes } from 'node:crypto';
import { S3FileStore } from '@amtsbote/platform';
import { S3_ACCESS_KEY_ID, S3_BUCKET, S3_REGION, S3_SECRET_ACCESS_KEY, s3Endpoint } from '../stack';

export type TestFileStore = 'filesystem' | 's3';

/**
 * The file store tests and the demo run the services with: `FILE_STORE=s3` in the environment of the test
 * run (or `npm run demo`) puts every service's files into the local stack's SeaweedFS; default filesystem.
 */
export function testFileStore(): TestFileStore {
  // The switch of a whole test run, like AMTSBOTE_*_PORT.
  const chosen = process.env.FILE_STORE;
  if (chosen === undefined || chosen === '' || chosen === 'filesystem') return 'filesystem';
  if (chosen === 's3') return 's3';
  throw new Error(`FILE_STORE must be filesystem or s3 for a test run, got '${chosen}'`);
}

/**
 * Service settings for the local stack's S3 server, under a key prefix of their own (`<label>-<random>/`,
 * or `<label>/` when not `unique`) so that runs sharing the one bucket never see each other's files.
 */
export function s3ServiceEnv(label: string, unique = true): Record<string, string> {
  const name = label.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return {
    FILE_STORE: 's3',
    FILE_STORE_S3_ENDPOINT: s3Endpoint(),
    FILE_STORE_S3_REGION: S3_REGION,
    FILE_STORE_S3_BUCKET: S3_BUCKET,
    FILE_STORE_S3_PREFIX: unique ? `${name}-${randomBytes(4).toString('hex')}/` : `${name}/`,
    FILE_STORE_S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
    FILE_STORE_S3_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
  };
}

/** The settings of `kind` for a service (nothing for the filesystem: its directory is the service's own). */
export function fileStoreServiceEnv(
  kind: TestFileStore,
  label: string,
  unique = true,
): Record<string, string> {
  return kind === 's3' ? s3ServiceEnv(label, unique) : {};
}

/**
 * An S3 store on the local stack under a fresh prefix (or the one of `env`, settings a service or command
 * was given), for specs of the store itself.
 */
export function testS3Store(label: string, env = s3ServiceEnv(label)): S3FileStore {
  return new S3FileStore({
    endpoint: env.FILE_STORE_S3_ENDPOINT,
    region: S3_REGION,
    bucket: S3_BUCKET,
    prefix: env.FILE_STORE_S3_PREFIX,
    credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  });
}
