import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, ValidateIf } from 'class-validator';

const CONSENT_DOC =
  'The citizen’s explicit answer to “May the decision (Bescheid) be delivered to you digitally?”: `true` consented, `false` refused (send `false`, never leave it out, for a refusal); leave it out when the online service did not ask. Passed to the Fachverfahren (FIT-Connect `zustimmungZumDigitalenBescheid`). Only `true` or `false` (not `null`, not `"true"`): anything else is refused with 400.';

/**
 * `digitalBescheidConsent` of submissions and drafts. Not @IsOptional: that would let `null` through as
 * "not asked", while a refusal must be an explicit false.
 */
export function DigitalBescheidConsentField(more = ''): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: Boolean, description: `${CONSENT_DOC}${more}` }),
    ValidateIf((o: { digitalBescheidConsent?: unknown }) => o.digitalBescheidConsent !== undefined),
    IsBoolean(),
  );
}
