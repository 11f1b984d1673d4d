import { z } from 'zod';
import { sanitizePurpose } from '../common/sanitize';
import { httpCall, type HttpAnswer, json } from './http';
import { type PmPaymentFields, pmPaymentHash } from './pmpayment-signature';
import {
  type CreatedPayment,
  type CreatePaymentRequest,
  type PaymentProvider,
  type PaymentStatusReport,
  ProviderError,
  type ProviderStatus,
  type TransactionRef,
} from './provider';
import type { SecretResolver } from './secrets';
import type { PmPaymentClassicSettings } from './settings';

const createAnswer = z.object({ url: z.string().regex(/^https?:\/\//), txid: z.string().min(1).max(200) });
const statusAnswer = z.object({
  status: z.union([z.string(), z.number()]).transform((s) => String(s)),
  timestamp: z.string().optional(),
  txid: z.string().optional(),
  amount: z.union([z.string(), z.number()]).optional(),
  payment_method: z.string().optional(),
});

/** pmPayment's status codes: 1 paid, 0 failed, -1 still in progress. */
const STATUS: Readonly<Record<string, ProviderStatus>> = { '1': 'PAYED', '0': 'FAILED', '-1': 'INITIAL' };

export interface PmPaymentClassicOptions {
  tenant: string;
  baseUrl: string;
  settings: PmPaymentClassicSettings;
  timeoutMs: number;
  secrets: SecretResolver;
}

/**
 * The classic pmPayment form interface: a server-to-server form POST to `/payment/secure` signed with
 * HMAC-SHA256, answered with the pay page URL; the result is read with `GET /payment/status/{ags}/{txid}`.
 * pmPayment's notification is unsigned, which is why it only ever triggers that status query.
 */
export class PmPaymentClassicClient implements PaymentProvider {
  readonly kind = 'pmpayment-classic' as const;

  constructor(private readonly o: PmPaymentClassicOptions) {}

  async create(r: CreatePaymentRequest): Promise<CreatedPayment> {
    const s = this.o.settings;
    const fields: PmPaymentFields = {
      ags: s.ags,
      amount: String(r.amountCents),
      procedure: s.procedure,
      // SEPA character set: the sanitised purpose minus the underscore.
      desc: sanitizePurpose(r.purpose).replace(/_/g, '-'),
      ...(s.accountingRecord ? { accountingRecord: s.accountingRecord } : {}),
      txid: r.requestId,
      notifyURL: r.notifyUrl,
      redirectURL: r.redirectUrl,
    };
    const salt = await this.o.secrets.resolve(this.o.tenant, s.salt);
    const form = new URLSearchParams({ ...fields, hash: pmPaymentHash(fields, salt) } as Record<
      string,
      string
    >);
    const answer = await httpCall({
      method: 'POST',
      url: `${this.o.baseUrl}/payment/secure`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      timeoutMs: this.o.timeoutMs,
    });
    if (answer.status !== 200 && answer.status !== 201) throw this.failure(answer, true);
    const parsed = createAnswer.safeParse(json(answer));
    if (!parsed.success) {
      const error = (json(answer) as { Error?: unknown }).Error;
      throw new ProviderError(
        'rejected',
        `pmPayment refused the request${typeof error === 'string' ? `: ${error.slice(0, 200)}` : ''}`,
        {
          httpStatus: answer.status,
        },
      );
    }
    return {
      providerTransactionId: parsed.data.txid,
      statusUrl: this.statusUrl(parsed.data.txid),
      redirectUrl: parsed.data.url,
      reference: parsed.data.txid.length <= 36 ? parsed.data.txid : undefined,
    };
  }

  async status(ref: TransactionRef): Promise<PaymentStatusReport> {
    // Always the URL derived from the configuration: nothing from outside chooses where we ask.
    const answer = await httpCall({
      method: 'GET',
      url: this.statusUrl(ref.providerTransactionId),
      headers: { accept: 'application/json' },
      timeoutMs: this.o.timeoutMs,
    });
    if (answer.status !== 200) throw this.failure(answer, false);
    const parsed = statusAnswer.safeParse(json(answer));
    if (!parsed.success)
      throw new ProviderError('invalid-response', 'pmPayment status answer not understood');
    const status = STATUS[parsed.data.status];
    if (!status)
      throw new ProviderError(
        'invalid-response',
        `unknown pmPayment status ${parsed.data.status.slice(0, 20)}`,
      );
    if (parsed.data.txid !== undefined && parsed.data.txid !== ref.providerTransactionId) {
      throw new ProviderError('invalid-response', 'status answer names another transaction');
    }
    const amount = parsed.data.amount === undefined ? undefined : Number(parsed.data.amount);
    return {
      status,
      providerTransactionId: ref.providerTransactionId,
      amountCents: amount !== undefined && Number.isSafeInteger(amount) ? amount : undefined,
      paymentMethod: parsed.data.payment_method,
      timestamp: parsed.data.timestamp,
      reference: ref.providerTransactionId.length <= 36 ? ref.providerTransactionId : undefined,
    };
  }

  private statusUrl(txid: string): string {
    return `${this.o.baseUrl}/payment/status/${encodeURIComponent(this.o.settings.ags)}/${encodeURIComponent(txid)}`;
  }

  private failure(answer: HttpAnswer, creating: boolean): ProviderError {
    if (answer.status >= 500 || answer.status === 429 || answer.status === 408) {
      return new ProviderError('unavailable', `pmPayment answered HTTP ${answer.status}`, {
        httpStatus: answer.status,
        uncertain: creating,
      });
    }
    return new ProviderError('rejected', `pmPayment refused the request (HTTP ${answer.status})`, {
      httpStatus: answer.status,
    });
  }
}
