/** What every payment provider adapter offers; the payments feature knows nothing else about providers. */

export const PROVIDER_KINDS = ['xbezahldienste', 'pmpayment-classic', 'simulator'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** The XBezahldienste states; the only source of a state change in Amtsbote. */
export type ProviderStatus = 'INITIAL' | 'PAYED' | 'FAILED' | 'CANCELED';

export interface CreatePaymentRequest {
  /** Our idempotency key at the provider (≤ 36 characters). */
  requestId: string;
  amountCents: number;
  /** Already sanitised to the XBezahldienste limits. */
  purpose: string;
  description: string;
  itemId: string;
  itemReference: string;
  bookingData: Record<string, string>;
  /** Where the provider sends the citizen's browser afterwards (our return endpoint). */
  redirectUrl: string;
  /** Where a provider may notify us (only ever a trigger for a status query). */
  notifyUrl: string;
  requestTimestamp: Date;
}

export interface CreatedPayment {
  providerTransactionId: string;
  /** The URL we query the status at (same origin as the configured base URL). */
  statusUrl: string;
  /** The provider's pay page for the citizen. */
  redirectUrl: string;
  reference?: string;
}

export interface PaymentStatusReport {
  status: ProviderStatus;
  providerTransactionId: string;
  /** The amount the provider holds for this transaction, when it says. */
  amountCents?: number;
  paymentMethod?: string;
  paymentMethodDetail?: string;
  reference?: string;
  statusDetail?: string;
  timestamp?: string;
}

export interface TransactionRef {
  providerTransactionId: string;
  statusUrl: string;
}

export interface PaymentProvider {
  readonly kind: ProviderKind;
  create(request: CreatePaymentRequest): Promise<CreatedPayment>;
  status(ref: TransactionRef): Promise<PaymentStatusReport>;
}

export type ProviderErrorKind =
  /** Not reachable, timed out, 5xx, 429: try again later. */
  | 'unavailable'
  /** The provider refused the request (validation, unknown originator, credentials). */
  | 'rejected'
  /** PAYMENT_EXISTS: a transaction with this requestId exists at the provider. */
  | 'exists'
  /** Our side: no config, a secret reference that does not resolve. */
  | 'misconfigured'
  /** An answer we cannot trust or parse (never leads to a state change). */
  | 'invalid-response';

export class ProviderError extends Error {
  override name = 'ProviderError';

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: {
      /** The provider's error code (problem+json), e.g. VALIDATION_ERROR. */
      providerCode?: string;
      httpStatus?: number;
      /** The request may have reached the provider and created something there. */
      uncertain?: boolean;
    } = {},
  ) {
    super(message);
  }

  get uncertain(): boolean {
    return this.details.uncertain ?? false;
  }
}
