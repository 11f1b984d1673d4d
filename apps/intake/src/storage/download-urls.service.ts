import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { APP_CONFIG, type SignedUrl, UrlSigner, type Verdict } from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IntakeConfig } from '../config';

/** Signed download URLs of attachments under intake's public address. */
@Injectable()
export class DownloadUrls {
  private readonly logger = new Logger(DownloadUrls.name);
  private readonly signer: UrlSigner;
  private readonly ttlSeconds: number;
  private readonly publicUrl?: string;

  constructor(
    @Inject(APP_CONFIG) config: IntakeConfig,
    private readonly http: HttpAdapterHost,
  ) {
    let secret = config.INTAKE_DOWNLOAD_URL_SECRET;
    if (secret === undefined) {
      // Outside production only (config refuses to start without it there).
      secret = randomBytes(32).toString('base64url');
      this.logger.warn('INTAKE_DOWNLOAD_URL_SECRET not set: using a random secret for this process');
    }
    this.signer = new UrlSigner(secret);
    this.ttlSeconds = config.INTAKE_DOWNLOAD_URL_TTL_SECONDS;
    this.publicUrl = config.INTAKE_PUBLIC_URL;
  }

  /** INTAKE_PUBLIC_URL, or (development) the address this process listens on. */
  baseUrl(): string {
    if (this.publicUrl !== undefined) return this.publicUrl;
    const server = this.http.httpAdapter?.getHttpServer() as
      { address(): AddressInfo | string | null } | undefined;
    const address = server?.address();
    if (address && typeof address === 'object') {
      const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
      return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    }
    return 'http://127.0.0.1:3001';
  }

  sign(fileId: string, now?: Date): SignedUrl {
    return this.signer.sign(this.baseUrl(), fileId, this.ttlSeconds, now);
  }

  verify(fileId: string, expires: string | undefined, signature: string | undefined): Verdict {
    return this.signer.verify(fileId, expires, signature);
  }
}
