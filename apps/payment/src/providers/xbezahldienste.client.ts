import { z } from 'zod';
import { centsToEuros, eurosToCents } from '../common/money';
import { sanitizeId, sanitizePurpose, sanitizeText } from '../common/sanitize';
import { header, httpCall, type HttpAnswer, json, type TlsClientCredentials } from './http';
import {
  type CreatedPayment,
  type CreatePaymentRequest,
  type PaymentProvider,
  type PaymentStatusReport,
  ProviderError,
  type ProviderKind,
  type TransactionRef,
} from './provider';
import type { SecretResolver } from './secrets';
import type { XBezahldiensteSettings } from './settings';
import type { TokenCache } from './token-cache';

const amount = z.union([z.number(), z.string()]);

/** The parts of an XBezahldienste PaymentTransaction we read (the rest is ignored). */
const paymentTransaction = z.object({
  paymentRequest: z
    .object({
      requestId: z.string().optional(),
      grosAmount: amount.optional(),
      grossAmount: amount.optional(),
    })
    .passthrough()
    .optional(),
  paymentInformation: z
    .object({
      transactionId: z.string().min(1).max(200),
      transactionUrl: z.string().optional(),
      transactionRedirectUrl: z.string().optional(),
      transactionReference: z.string().optional(),
      transactionTimestamp: z.string().optional(),
      paymentMethod: z.string().optional(),
      paymentMethodDetail: z.string().optional(),
      status: z.string(),
      statusDetail: z.string().optional(),
    })
    .passthrough(),
});

const KNOWN_STATUS = new Set(['INITIAL', 'PAYED', 'FAILED', 'CANCELED']);

/** problem+json (RFC 7807/9457) of an XBezahldienste provider → its error code, e.g. PAYMENT_EXISTS. */
export function problemCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  for (const key of ['errorCode', 'code', 'error']) {
    if (typeof b[key] === 'string' && /^[A-Z_]+$/.test(b[key])) return b[key];
  }
  if (typeof b.type === 'string') {
    const last = b.type.split(/[/:#]/).pop() ?? '';
    if (/^[A-Z_]+$/.test(last)) return last;
  }
  return undefined;
}

export interface XBezahldiensteClientOptions {
  kind: Extract<ProviderKind, 'xbezahldienste' | 'simulator'>;
  tenant: string;
  baseUrl: string;
  settings: XBezahldiensteSettings;
  timeoutMs: number;
  secrets: SecretResolver;
  tokens: TokenCache;
}

/**
 * The FITKO XBezahldienste REST interface (pmPayment, GiroCheckout, ePayBL adapters and our simulator):
 * `POST /paymenttransaction/{originatorId}/{endPointId}`, status by `GET` of the returned transaction URL.
 * Authenticates with OAuth2 client credentials or a client certificate.
 */
export class XBezahldiensteClient implements PaymentProvider {
  readonly kind: ProviderKind;

  constructor(private readonly o: XBezahldiensteClientOptions) {
    this.kind = o.kind;
  }

  private get collectionUrl(): string {
    const s = this.o.settings;
    return `${this.o.baseUrl}/paymenttransaction/${encodeURIComponent(s.originatorId)}/${encodeURIComponent(s.endPointId)}`;
  }

  async create(r: CreatePaymentRequest): Promise<CreatedPayment> {
    // One position: the Gebühr, without tax (Gebühren are not subject to VAT).
    const lines = [{ netCents: r.amountCents, taxCents: 0, quantity: 1 }];
    const items = lines.map((l) => ({
      id: sanitizeId(r.itemId),
      reference: sanitizeId(r.itemReference),
      description: sanitizeText(r.description),
      taxRate: 0,
      quantity: l.quantity,
      totalNetAmount: centsToEuros(l.netCents * l.quantity),
      totalTaxAmount: centsToEuros(l.taxCents * l.quantity),
      singleNetAmount: centsToEuros(l.netCents),
      singleTaxAmount: centsToEuros(l.taxCents),
      ...(Object.keys(r.bookingData).length > 0 ? { bookingData: r.bookingData } : {}),
    }));
    // grosAmount is the sum of the items, computed in cents so no float rounding creeps in.
    const grossCents = lines.reduce((sum, l) => sum + (l.netCents + l.taxCents) * l.quantity, 0);
    const body = {
      requestId: sanitizeId(r.requestId),
      requestTimestamp: r.requestTimestamp.toISOString(),
      currency: 'EUR',
      grosAmount: centsToEuros(grossCents),
      purpose: sanitizePurpose(r.purpose),
      description: sanitizeText(r.description),
      redirectUrl: r.redirectUrl,
      items,
      ...(this.o.settings.notifications ? { notifyUrl: r.notifyUrl } : {}),
    };
    const answer = await this.send('POST', this.collectionUrl, JSON.stringify(body));
    if (answer.status !== 201 && answer.status !== 200) throw this.failure(answer, true);
    const tx = this.parseTransaction(answer);
    const info = tx.paymentInformation;
    const redirectUrl = info.transactionRedirectUrl;
    if (!redirectUrl || !/^https?:\/\//.test(redirectUrl)) {
      throw new ProviderError('invalid-response', 'provider answered without a pay page URL', {
        uncertain: true,
      });
    }
    return {
      providerTransactionId: info.transactionId,
      statusUrl: this.statusUrlFor(info.transactionId, info.transactionUrl ?? header(answer, 'location')),
      redirectUrl,
      reference: info.transactionReference,
    };
  }

  async status(ref: TransactionRef): Promise<PaymentStatusReport> {
    const answer = await this.send('GET', this.statusUrlFor(ref.providerTransactionId, ref.statusUrl));
    if (answer.status !== 200) throw this.failure(answer, false);
    const tx = this.parseTransaction(answer);
    const info = tx.paymentInformation;
    if (info.transactionId !== ref.providerTransactionId) {
      throw new ProviderError('invalid-response', 'status answer names another transaction');
    }
    if (!KNOWN_STATUS.has(info.status)) {
      throw new ProviderError('invalid-response', `unknown payment status ${info.status.slice(0, 40)}`);
    }
    const gross = tx.paymentRequest?.grosAmount ?? tx.paymentRequest?.grossAmount;
    return {
      status: info.status as PaymentStatusReport['status'],
      providerTransactionId: info.transactionId,
      amountCents: gross === undefined ? undefined : eurosToCents(gross),
      paymentMethod: info.paymentMethod,
      paymentMethodDetail: info.paymentMethodDetail,
      reference: info.transactionReference,
      statusDetail: info.statusDetail,
      timestamp: info.transactionTimestamp,
    };
  }

  /**
   * The transaction URL the provider gave, if it lies under the configured base URL; otherwise the one the
   * interface defines. Credentials are never sent to a host the tenant did not configure.
   */
  private statusUrlFor(transactionId: string, given: string | undefined): string {
    const own = `${this.collectionUrl}/${encodeURIComponent(transactionId)}`;
    if (!given) return own;
    try {
      const url = new URL(given, this.o.baseUrl);
      const base = new URL(this.o.baseUrl);
      const basePath = base.pathname.replace(/\/?$/, '/');
      return url.origin === base.origin && url.pathname.startsWith(basePath) ? url.toString() : own;
    } catch {
      return own;
    }
  }

  private parseTransaction(answer: HttpAnswer): z.infer<typeof paymentTransaction> {
    const parsed = paymentTransaction.safeParse(json(answer));
    if (!parsed.success) {
      throw new ProviderError(
        'invalid-response',
        'provider answer is not an XBezahldienste PaymentTransaction',
        {
          httpStatus: answer.status,
        },
      );
    }
    return parsed.data;
  }

  private failure(answer: HttpAnswer, creating: boolean): ProviderError {
    let code: string | undefined;
    try {
      code = problemCode(JSON.parse(answer.text));
    } catch {
      code = undefined;
    }
    const details = { providerCode: code, httpStatus: answer.status };
    if (code === 'PAYMENT_EXISTS' || (creating && answer.status === 409)) {
      return new ProviderError('exists', 'a transaction with this requestId exists at the provider', details);
    }
    if (answer.status >= 500 || answer.status === 429 || answer.status === 408) {
      return new ProviderError('unavailable', `provider answered HTTP ${answer.status}`, {
        ...details,
        uncertain: creating,
      });
    }
    return new ProviderError(
      'rejected',
      `provider refused the request (HTTP ${answer.status}${code ? `, ${code}` : ''})`,
      details,
    );
  }

  private async send(method: 'GET' | 'POST', url: string, body?: string): Promise<HttpAnswer> {
    const first = await this.sendOnce(method, url, body);
    // An expired or revoked token: fetch a new one once.
    if (first.status === 401 && this.o.settings.auth.mode === 'oauth2') {
      this.o.tokens.invalidate(this.tokenKey());
      return this.sendOnce(method, url, body);
    }
    return first;
  }

  private async sendOnce(method: 'GET' | 'POST', url: string, body?: string): Promise<HttpAnswer> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let tls: TlsClientCredentials | undefined;
    const auth = this.o.settings.auth;
    if (auth.mode === 'oauth2') headers.authorization = `Bearer ${await this.accessToken()}`;
    if (auth.mode === 'mtls') {
      tls = {
        cert: await this.o.secrets.resolve(this.o.tenant, auth.certificate),
        key: await this.o.secrets.resolve(this.o.tenant, auth.privateKey),
        ca: auth.ca ? await this.o.secrets.resolve(this.o.tenant, auth.ca) : undefined,
      };
    }
    return httpCall({ method, url, headers, body, timeoutMs: this.o.timeoutMs, tls });
  }

  private tokenKey(): string {
    const a = this.o.settings.auth;
    return a.mode === 'oauth2' ? `${this.o.tenant}|${a.tokenUrl}|${a.clientId}` : this.o.tenant;
  }

  /** OAuth2 client credentials (RFC 6749 §4.4), client authentication by HTTP Basic (§2.3.1). */
  private async accessToken(): Promise<string> {
    const a = this.o.settings.auth;
    if (a.mode !== 'oauth2') throw new ProviderError('misconfigured', 'no OAuth2 settings');
    const cached = this.o.tokens.get(this.tokenKey());
    if (cached) return cached;
    const secret = await this.o.secrets.resolve(this.o.tenant, a.clientSecret);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (a.scope) form.set('scope', a.scope);
    const basic = Buffer.from(`${encodeURIComponent(a.clientId)}:${encodeURIComponent(secret)}`).toString(
      'base64',
    );
    const answer = await httpCall({
      method: 'POST',
      url: a.tokenUrl,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${basic}`,
      },
      body: form.toString(),
      timeoutMs: this.o.timeoutMs,
    });
    if (answer.status >= 500 || answer.status === 429) {
      throw new ProviderError('unavailable', `token endpoint answered HTTP ${answer.status}`);
    }
    const parsed = z
      .object({ access_token: z.string().min(1), expires_in: z.coerce.number().optional() })
      .safeParse(answer.status === 200 ? json(answer) : undefined);
    if (!parsed.success) {
      throw new ProviderError('rejected', `token endpoint refused the client (HTTP ${answer.status})`, {
        httpStatus: answer.status,
      });
    }
    this.o.tokens.set(this.tokenKey(), parsed.data.access_token, parsed.data.expires_in ?? 300);
    return parsed.data.access_token;
  }
}
