import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { APP_CONFIG } from '@amtsbote/platform';
import { Module } from '@nestjs/common';
import type { IntakeConfig } from '../config';
import { ATTACHMENT_STORE, type AttachmentStore } from './attachment-store';
import { DownloadUrls } from './download-urls.service';
import { FilesystemAttachmentStore } from './filesystem-attachment-store';

/** The attachment store (filesystem by default) and the signed download URLs into it. */
@Module({
  providers: [
    {
      provide: ATTACHMENT_STORE,
      inject: [APP_CONFIG],
      useFactory: (config: IntakeConfig): AttachmentStore =>
        new FilesystemAttachmentStore(
          config.INTAKE_STORAGE_DIR ?? path.join(tmpdir(), 'amtsbote-intake-attachments'),
        ),
    },
    DownloadUrls,
  ],
  exports: [ATTACHMENT_STORE, DownloadUrls],
})
export class StorageModule {}
