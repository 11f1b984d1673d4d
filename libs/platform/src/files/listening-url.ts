import type { AddressInfo } from 'node:net';
import type { HttpAdapterHost } from '@nestjs/core';

/**
 * A service's base URL as others reach it: the configured public URL, or (development and tests, where it
 * may be unset) the loopback address the server actually listens on, or `fallback` before it listens.
 */
export function serviceBaseUrl(
  configured: string | undefined,
  adapterHost: HttpAdapterHost | undefined,
  fallback: string,
): string {
  if (configured) return configured.replace(/\/+$/, '');
  const server = adapterHost?.httpAdapter?.getHttpServer() as
    { address(): AddressInfo | string | null } | undefined;
  const address = server?.address();
  if (address && typeof address === 'object') {
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
  return fallback;
}
