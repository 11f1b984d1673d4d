import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG } from '@amtsbote/platform';
import { Global, Logger, Module } from '@nestjs/common';
import { FileStore } from '../common/file-store';
import { UrlSigner } from '../common/signed-url';
import type { AccountsConfig } from '../config';
import { PublicUrl } from './public-url';

/** The Postkorb's file store, the signer of download links and the service's public address. */
@Global()
@Module({
  providers: [
    {
      provide: FileStore,
      inject: [APP_CONFIG],
      useFactory: async (config: AccountsConfig) => {
        const store = new FileStore(config.ACCOUNTS_STORAGE_DIR ?? join(tmpdir(), 'amtsbote-accounts-files'));
        await store.init();
        return store;
      },
    },
    {
      provide: UrlSigner,
      inject: [APP_CONFIG],
      useFactory: (config: AccountsConfig) => {
        if (config.ACCOUNTS_FILE_URL_SECRET) return new UrlSigner(config.ACCOUNTS_FILE_URL_SECRET);
        // Fine for one process; links signed here do not verify at another replica.
        new Logger('Storage').warn(
          'ACCOUNTS_FILE_URL_SECRET is not set; using a random key for this process',
        );
        return new UrlSigner(randomBytes(32));
      },
    },
    PublicUrl,
  ],
  exports: [FileStore, UrlSigner, PublicUrl],
})
export class StorageModule {}
