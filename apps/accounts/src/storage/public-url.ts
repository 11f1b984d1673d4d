import { APP_CONFIG } from '@amtsbote/platform';
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
    const configured = this.config.ACCOUNTS_PUBLIC_URL;
    if (configured) return configured.replace(/\/+$/, '');
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    const address =
      server && typeof server === 'object' && 'address' in server && typeof server.address === 'function'
        ? (server.address as () => unknown)()
        : undefined;
    if (address && typeof address === 'object' && 'port' in address && 'address' in address) {
      const a = address as { address: string; port: number };
      const host = a.address === '0.0.0.0' || a.address === '::' ? '127.0.0.1' : a.address;
      return `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;
    }
    return `http://127.0.0.1:${this.config.PORT}`;
  }
}
