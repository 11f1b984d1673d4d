import { randomBytes } from 'node:crypto';
import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { APP_CONFIG } from '../platform.module';
import { FILE_STORE, type FileStore } from './file-store';
import type { FileStoreConfig } from './file-store.config';
import { FileLinks } from './file-links';
import { createFileStore } from './file-store.registry';
import { serviceBaseUrl } from './listening-url';
import { UrlSigner } from './url-signer';

/** How a service names its own file settings. */
export interface FileStoreModuleOptions<C extends FileStoreConfig> {
  service: string;
  /** The filesystem backend's directory (INTAKE_STORAGE_DIR, …); default a folder in the temp directory. */
  directory(config: C): string | undefined;
  /** The service's own signed download URLs. */
  links(config: C): {
    /** HMAC secret (≥ 32 characters); unset outside production: random per process. */
    secret: string | undefined;
    ttlSeconds: number;
    publicUrl: string | undefined;
    /** Before the server listens and without a public URL. */
    fallbackUrl: string;
  };
}

@Injectable()
class FileStoreShutdown implements OnApplicationShutdown {
  constructor(@Inject(FILE_STORE) private readonly store: FileStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}

/**
 * The service's {@link FileStore} (the backend FILE_STORE selects) under the token {@link FILE_STORE}, and
 * its {@link FileLinks}, for every module of the service.
 */
@Module({})
export class FileStoreModule {
  static forRoot<C extends FileStoreConfig>(options: FileStoreModuleOptions<C>): DynamicModule {
    return {
      module: FileStoreModule,
      global: true,
      providers: [
        {
          provide: FILE_STORE,
          inject: [APP_CONFIG],
          useFactory: (config: C) =>
            createFileStore(config, { service: options.service, directory: options.directory(config) }),
        },
        {
          provide: FileLinks,
          inject: [APP_CONFIG, FILE_STORE, HttpAdapterHost],
          useFactory: (config: C, store: FileStore, http: HttpAdapterHost) => {
            const o = options.links(config);
            let secret = o.secret;
            if (secret === undefined) {
              // Outside production only (the services' config refuses to start without it there).
              secret = randomBytes(32).toString('base64url');
              new Logger('FileStore').warn(
                `no secret for ${options.service}'s signed file URLs: using a random one for this process`,
              );
            }
            return new FileLinks({
              signer: new UrlSigner(secret),
              store,
              baseUrl: () => serviceBaseUrl(o.publicUrl, http, o.fallbackUrl),
              ttlSeconds: o.ttlSeconds,
              presign: config.FILE_STORE_PRESIGNED_URLS,
            });
          },
        },
        FileStoreShutdown,
      ],
      exports: [FILE_STORE, FileLinks],
    };
  }
}
