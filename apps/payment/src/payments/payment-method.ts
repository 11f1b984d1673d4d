import { sanitizeId } from '../common/sanitize';

type FitConnectMethod = 'CREDITCARD' | 'GIROPAY' | 'PAYPAL' | 'PAYDIRECT' | 'INVOICE' | 'OTHER';

const KNOWN: Readonly<Record<string, FitConnectMethod>> = {
  CREDITCARD: 'CREDITCARD',
  GIROPAY: 'GIROPAY',
  PAYPAL: 'PAYPAL',
  PAYDIRECT: 'PAYDIRECT',
  INVOICE: 'INVOICE',
};

/**
 * A provider's payment method (XBezahldienste `CREDITCARD`, pmPayment `creditcard`, …) in the FIT-Connect
 * vocabulary; anything else is OTHER with the provider's word as detail.
 */
export function fitConnectMethod(method: string | undefined | null): {
  paymentMethod: FitConnectMethod;
  paymentMethodDetail?: string;
} {
  if (!method) return { paymentMethod: 'OTHER' };
  const key = method.toUpperCase().replace(/[^A-Z]/g, '');
  const known = KNOWN[key];
  if (known) return { paymentMethod: known };
  const detail = sanitizeId(method);
  return detail === '' ? { paymentMethod: 'OTHER' } : { paymentMethod: 'OTHER', paymentMethodDetail: detail };
}
