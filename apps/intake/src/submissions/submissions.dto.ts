import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsUUID, Matches } from 'class-validator';
import { DigitalBescheidConsentField } from '../common/digital-bescheid-consent';
import { BilingualDto } from '../common/openapi';
import { LEIKA_KEY, SchemaRefDto } from '../leistungen/leistungen.dto';
import { ARS, TENANT_ID } from '../tenants/tenants.dto';
import type { SubmissionStatus } from './state-machine';

export const STATUSES: SubmissionStatus[] = [
  'SUBMITTED',
  'AWAITING_PAYMENT',
  'READY',
  'ROUTED',
  'DELIVERED',
  'RECEIVED',
  'PROCESSING',
  'ACTION_REQUIRED',
  'COMPLETED',
  'CANCELLED',
  'EXPIRED',
  'FAILED',
];

export class CreateSubmissionDto {
  @ApiProperty({ example: 'hb' })
  @Matches(TENANT_ID)
  tenant!: string;

  @ApiProperty({ example: '99050012104000' })
  @Matches(LEIKA_KEY)
  leikaKey!: string;

  @ApiProperty({
    description:
      'Amtlicher Regionalschlüssel of the applicant’s Gemeinde (or a prefix); must lie in a region the Leistung is offered in.',
    example: '040110000000',
  })
  @Matches(ARS)
  ars!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The complete form data keyed by FIM ids (see the form definition). File fields: `{attachmentId, filename, mediaType, size}` of attachments uploaded to one of your drafts; intake fills in the stored filename, media type and size.',
    example: { G60000000100: { F60000000101: 'Schmidt', F60000000102: 'Anna' } },
  })
  @IsObject()
  data!: Record<string, unknown>;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The draft this submission completes: it is deleted on success. Required for attachments of anonymous drafts (with `X-Draft-Token`).',
  })
  @IsOptional()
  @IsUUID()
  draftId?: string;

  @DigitalBescheidConsentField()
  digitalBescheidConsent?: boolean;
}

export class LeistungRefDto {
  @ApiProperty({ example: '99050012104000' })
  leikaKey!: string;
  @ApiProperty({ example: 'Bewohnerparkausweis beantragen' })
  name!: string;
}

export class ReceiptDto {
  @ApiProperty({ example: 'HB-2026-000123', description: 'Human-readable, unique per tenant and year.' })
  vorgangsnummer!: string;
  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;
  @ApiProperty({ example: 'hb' })
  tenant!: string;
  @ApiProperty({ type: LeistungRefDto })
  leistung!: LeistungRefDto;
  @ApiProperty({ type: SchemaRefDto })
  fimSchema!: SchemaRefDto;
  @ApiProperty({
    description:
      'SHA-512 (hex) of the submitted data in canonical JSON (RFC 8785: keys sorted, no whitespace), as accepted (attachment references with their stored metadata).',
  })
  dataSha512!: string;
  @ApiProperty({ enum: ['SHA-512'] })
  hashAlgorithm!: 'SHA-512';
  @ApiProperty({ enum: ['RFC 8785'] })
  canonicalization!: 'RFC 8785';
}

export class SubmissionAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  submissionId!: string;
  @ApiProperty({ example: 'HB-2026-000123' })
  vorgangsnummer!: string;
  @ApiProperty({ enum: STATUSES, example: 'SUBMITTED' })
  status!: SubmissionStatus;
  @ApiProperty({ type: ReceiptDto })
  receipt!: ReceiptDto;
  @ApiPropertyOptional({
    description:
      'Anonymous submissions only: the key to the status (send as `X-Receipt-Token`). Shown once (and on an idempotent replay); intake keeps only its hash.',
  })
  receiptToken?: string;
}

export class StatusReasonDto extends BilingualDto {
  @ApiProperty({ example: 'NO_AUTHORITY' })
  code!: string;
}

export class TimelineEntryDto {
  @ApiProperty({ enum: STATUSES })
  status!: SubmissionStatus;
  @ApiProperty({ enum: STATUSES, nullable: true })
  previousStatus!: SubmissionStatus | null;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
  @ApiPropertyOptional({
    type: StatusReasonDto,
    description: 'Why (failures, cancellations, requests for action).',
  })
  reason?: StatusReasonDto;
}

export class SubmissionDto {
  @ApiProperty({ format: 'uuid' })
  submissionId!: string;
  @ApiProperty({ example: 'HB-2026-000123' })
  vorgangsnummer!: string;
  @ApiProperty({ example: 'hb' })
  tenant!: string;
  @ApiProperty({ example: '99050012104000' })
  leikaKey!: string;
  @ApiProperty()
  leistungName!: string;
  @ApiProperty({ example: '040110000000' })
  ars!: string;
  @ApiProperty({ enum: STATUSES })
  status!: SubmissionStatus;
  @ApiProperty({ type: String, format: 'date-time' })
  statusChangedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' })
  submittedAt!: Date;
  @ApiProperty({ type: ReceiptDto })
  receipt!: ReceiptDto;
  @ApiProperty({
    description: 'Form data and attachments were deleted (data minimisation); the receipt stays.',
  })
  purged!: boolean;
  @ApiProperty({ type: [TimelineEntryDto], description: 'Every state, oldest first.' })
  timeline!: TimelineEntryDto[];
}

export const IDEMPOTENCY_KEY_DOC =
  'Required. A random UUID per intended submission (8–255 characters of `A-Za-z0-9-_.:`). Repeating the request with the same key and the same body returns the same answer (also while the first is still running) with `Idempotent-Replayed: true`; the same key with a different body is refused with 422. Keys are kept for INTAKE_IDEMPOTENCY_TTL_HOURS.';
