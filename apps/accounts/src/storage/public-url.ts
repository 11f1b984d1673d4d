import { APP_CONFIG, serviceBaseUrl } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AccountsConfig } from '../config';

/**
 * Where other services and e-mail recipients reach this service: ACCOUNTS_PUBLIC_URL, or (in development
 * and tests, where it may be unset) the address the server actually listens on.
 */
@Injectable()
export class PublicUrl {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  base(): string {
    return serviceBaseUrl(
      this.config.ACCOUNTS_PUBLIC_URL,
      this.adapterHost,
      `http://127.0.0.1:${this.config.PORT}`,
    );
  }
}
