import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ProviderError } from './provider';

export interface TlsClientCredentials {
  cert: string;
  key: string;
  ca?: string;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Mutual TLS (ePayBL and XBezahldienste installations that authenticate by client certificate). */
  tls?: TlsClientCredentials;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const MAX_BODY = 1024 * 1024;
/** Failures where the request certainly never reached the provider. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One HTTP exchange with a provider: bounded in time and size, no redirects followed, optional client
 * certificate. Network failures become ProviderError('unavailable') that say whether the request may have
 * reached the provider.
 */
export function httpCall(call: HttpCall): Promise<HttpAnswer> {
  const url = new URL(call.url);
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') {
    return Promise.reject(new ProviderError('misconfigured', `unsupported URL scheme ${url.protocol}`));
  }
  const body = call.body === undefined ? undefined : Buffer.from(call.body, 'utf8');
  return new Promise<HttpAnswer>((resolve, reject) => {
    const options = {
      method: call.method,
      headers: {
        ...call.headers,
        ...(body ? { 'content-length': String(body.length) } : {}),
      },
      timeout: call.timeoutMs,
      ...(isHttps && call.tls ? { cert: call.tls.cert, key: call.tls.key, ca: call.tls.ca } : {}),
    };
    const req = (isHttps ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          req.destroy(
            new ProviderError('invalid-response', 'provider answer too large', { uncertain: true }),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (err) => reject(toProviderError(err)));
    });
    const deadline = setTimeout(
      () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      call.timeoutMs,
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(toProviderError(err)));
    req.on('close', () => clearTimeout(deadline));
    if (body) req.write(body);
    req.end();
  });
}

function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const code = (err as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : err instanceof Error ? err.message : 'network error';
  return new ProviderError('unavailable', `provider not reachable: ${text}`, {
    uncertain: !(typeof code === 'string' && NOT_SENT.has(code)),
  });
}

/** Parses a JSON answer; a non-JSON body is an invalid answer, never a state. */
export function json(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new ProviderError('invalid-response', `provider answered HTTP ${answer.status} without JSON`, {
      httpStatus: answer.status,
    });
  }
}

export function header(answer: HttpAnswer, name: string): string | undefined {
  const v = answer.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
