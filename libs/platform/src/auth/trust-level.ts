import { ProblemException } from '../errors';
import { TRUST_LEVEL_LABELS, type TrustLevel } from './principal';

/**
 * 403 for a login below the trust level something needs. The distinct code lets a portal start a step-up
 * login instead of showing a dead end; `requiredTrustLevel` says which.
 */
export function insufficientTrustLevel(required: TrustLevel, actual: TrustLevel): ProblemException {
  return new ProblemException({
    status: 403,
    code: 'insufficient-trust-level',
    title: { de: 'Vertrauensniveau nicht ausreichend', en: 'Insufficient trust level' },
    detail: {
      de: `Hierfür ist mindestens Vertrauensniveau ${required} erforderlich: ${TRUST_LEVEL_LABELS[required].de}. Ihre Anmeldung hat ${TRUST_LEVEL_LABELS[actual].de}. Bitte melden Sie sich mit einem höheren Vertrauensniveau an.`,
      en: `This requires at least trust level ${required}: ${TRUST_LEVEL_LABELS[required].en}. Your login has ${TRUST_LEVEL_LABELS[actual].en}. Please log in with a higher trust level.`,
    },
    extensions: { requiredTrustLevel: required, trustLevel: actual },
  });
}
