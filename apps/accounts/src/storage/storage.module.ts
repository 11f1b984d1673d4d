import { FileStoreModule } from '@amtsbote/platform';
import { Global, Module } from '@nestjs/common';
import type { AccountsConfig } from '../config';
import { SERVICE_NAME } from '../service';
import { PublicUrl } from './public-url';

/**
 * The Postkorb's files in the file store FILE_STORE selects (ACCOUNTS_STORAGE_DIR for the filesystem), the
 * download links routing fetches reply attachments through, and the service's public address.
 */
@Global()
@Module({
  imports: [
    FileStoreModule.forRoot<AccountsConfig>({
      service: SERVICE_NAME,
      directory: (c) => c.ACCOUNTS_STORAGE_DIR,
      links: (c) => ({
        secret: c.ACCOUNTS_FILE_URL_SECRET,
        ttlSeconds: c.ACCOUNTS_FILE_URL_TTL_SECONDS,
        publicUrl: c.ACCOUNTS_PUBLIC_URL,
        fallbackUrl: 'http://127.0.0.1:3002',
      }),
    }),
  ],
  providers: [PublicUrl],
  exports: [PublicUrl],
})
export class StorageModule {}
