import { FileStoreModule } from '@amtsbote/platform';
import { effectiveSettings, type RoutingConfig } from '../config';
import { SERVICE_NAME } from '../service';

/**
 * routing's files (the attachments of replies) in the file store FILE_STORE selects (ROUTING_STORAGE_DIR for
 * the filesystem), and the links accounts fetches them through (`routing.reply`): presigned with S3, else
 * routing's own `/files/<id>` signed with ROUTING_FILE_URL_SECRET.
 */
export const routingFileStore = () =>
  FileStoreModule.forRoot<RoutingConfig>({
    service: SERVICE_NAME,
    directory: (c) => c.ROUTING_STORAGE_DIR,
    links: (c) => ({
      secret: effectiveSettings(c).fileUrlSecret,
      ttlSeconds: c.ROUTING_FILE_URL_TTL_SECONDS,
      publicUrl: c.ROUTING_PUBLIC_URL,
      fallbackUrl: `http://127.0.0.1:${c.PORT}`,
    }),
  });
