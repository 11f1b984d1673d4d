import { ProblemException } from '@amtsbote/platform';
import type { ProviderError } from '../providers/provider';

/** What a portal sees when the provider fails: a clear problem, never the provider's internals. */
export function providerProblem(err: ProviderError): ProblemException {
  switch (err.kind) {
    case 'unavailable':
    case 'exists':
      // `exists` after an uncertain attempt: the next attempt uses a new requestId and will go through.
      return new ProblemException({
        status: 503,
        code: 'payment-provider-unavailable',
        title: { de: 'Zahlungsdienst nicht erreichbar', en: 'Payment provider unavailable' },
        detail: {
          de: 'Der Zahlungsdienstleister ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut. Es wurde nichts abgebucht.',
          en: 'The payment provider cannot be reached right now. Please try again in a few minutes. Nothing was charged.',
        },
        headers: { 'Retry-After': '30' },
      });
    case 'misconfigured':
      return new ProblemException({
        status: 503,
        code: 'payment-provider-not-configured',
        title: { de: 'Bezahlung nicht eingerichtet', en: 'Payment not configured' },
        detail: {
          de: 'Für diese Behörde ist die Online-Bezahlung derzeit nicht eingerichtet. Bitte wenden Sie sich an die Behörde.',
          en: 'Online payment is not set up for this authority at the moment. Please contact the authority.',
        },
        headers: { 'Retry-After': '300' },
      });
    case 'rejected':
    case 'invalid-response':
      return new ProblemException({
        status: 502,
        code: 'payment-provider-error',
        title: { de: 'Fehler beim Zahlungsdienst', en: 'Payment provider error' },
        detail: {
          de: 'Der Zahlungsdienstleister hat die Zahlung nicht angenommen. Bitte versuchen Sie es später erneut oder wenden Sie sich an die Behörde.',
          en: 'The payment provider did not accept the payment. Please try again later or contact the authority.',
        },
        extensions: err.details.providerCode ? { providerCode: err.details.providerCode } : undefined,
      });
  }
}
