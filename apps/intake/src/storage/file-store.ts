import { FileStoreModule } from '@amtsbote/platform';
import type { IntakeConfig } from '../config';
import { SERVICE_NAME } from '../service';

/**
 * intake's attachments in the file store FILE_STORE selects (INTAKE_STORAGE_DIR for the filesystem), and the
 * short-lived download URLs routing fetches them through (`submission.ready`).
 */
export const intakeFileStore = () =>
  FileStoreModule.forRoot<IntakeConfig>({
    service: SERVICE_NAME,
    directory: (c) => c.INTAKE_STORAGE_DIR,
    links: (c) => ({
      secret: c.INTAKE_DOWNLOAD_URL_SECRET,
      ttlSeconds: c.INTAKE_DOWNLOAD_URL_TTL_SECONDS,
      publicUrl: c.INTAKE_PUBLIC_URL,
      fallbackUrl: 'http://127.0.0.1:3001',
    }),
  });
