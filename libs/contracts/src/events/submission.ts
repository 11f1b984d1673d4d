import { z } from 'zod';
import { defineEvent } from '../contract';
import { TOPICS } from '../topics';
import { applicant, ars, fileReference, leikaKey, paymentInformation, tenantId } from './shared';

const submissionRef = {
  submissionId: z.string().uuid(),
  vorgangsnummer: z.string().min(1).max(64),
  tenant: tenantId,
};

export const submissionSubmittedV1 = defineEvent(
  'de.amtsbote.submission.submitted.v1',
  TOPICS.submission,
  z.object({
    ...submissionRef,
    leikaKey,
    leistungName: z.string(),
    ars,
    applicant,
    submittedAt: z.string().datetime(),
    /** SHA-512 (hex) of the canonical form data, as on the receipt. */
    dataSha512: z.string().regex(/^[0-9a-f]{128}$/),
  }),
  'intake accepted a submission; payment looks up the fee, accounts opens the timeline.',
);

export const submissionReadyV1 = defineEvent(
  'de.amtsbote.submission.ready.v1',
  TOPICS.submission,
  z.object({
    ...submissionRef,
    leikaKey,
    leistungName: z.string(),
    ars,
    applicant,
    submittedAt: z.string().datetime(),
    fimSchema: z.object({ id: z.string(), version: z.string() }),
    /** The FIM data (JSON keyed by element ids) as validated by intake. */
    data: z.record(z.string(), z.unknown()),
    attachments: z.array(fileReference),
    payment: paymentInformation.optional(),
    /**
     * The citizen's explicit consent to a digital Bescheid (FIT-Connect `zustimmungZumDigitalenBescheid`):
     * false when refused, absent when not asked. Added compatibly (optional) to v1.
     */
    digitalBescheidConsent: z.boolean().optional(),
    /**
     * From the identity token of a citizen signed in with BundID/DeutschlandID (absent otherwise): the
     * DeutschlandID mailbox (`legacyPostkorbHandle`) and the status monitor's application id. Personal
     * data: never logged. Added compatibly (optional) to v1.
     */
    idBundDe: z
      .object({ mailboxUuid: z.string().uuid().optional(), applicationId: z.string().uuid().optional() })
      .optional(),
  }),
  'Nothing is owed any more (free or paid): routing takes it to the Fachverfahren.',
);
