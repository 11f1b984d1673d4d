import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { Injectable } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';

export interface PushResponse {
  status: number;
  body: string;
  retryAfterSeconds?: number;
}

export class PushAbortedError extends Error {
  override name = 'PushAbortedError';
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/** POSTs a delivery over HTTP(S), with the client certificate for destinations that need mutual TLS. */
@Injectable()
export class PushClient {
  private readonly tls: { cert?: Buffer; key?: Buffer; ca?: Buffer };

  constructor(private readonly settings: RoutingSettings) {
    const c = settings.config;
    this.tls = {
      cert: c.ROUTING_PUSH_TLS_CERT_FILE ? readFileSync(c.ROUTING_PUSH_TLS_CERT_FILE) : undefined,
      key: c.ROUTING_PUSH_TLS_KEY_FILE ? readFileSync(c.ROUTING_PUSH_TLS_KEY_FILE) : undefined,
      ca: c.ROUTING_PUSH_TLS_CA_FILE ? readFileSync(c.ROUTING_PUSH_TLS_CA_FILE) : undefined,
    };
  }

  post(
    url: string,
    body: Buffer,
    headers: Record<string, string>,
    o: { mtls: boolean; timeoutMs: number; signal?: AbortSignal },
  ): Promise<PushResponse> {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
      timeout: o.timeoutMs,
      signal: o.signal,
    };
    if (https) {
      if (this.tls.ca) options.ca = this.tls.ca;
      if (o.mtls) {
        options.cert = this.tls.cert;
        options.key = this.tls.key;
      }
    }
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(target, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () => {
          const retryAfter = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
          });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
      req.on('error', (err) => reject(o.signal?.aborted ? new PushAbortedError('aborted by shutdown') : err));
      req.end(body);
    });
  }
}
